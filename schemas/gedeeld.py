"""Value types shared by several instruments: money, parties, rules of law."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, StrictInt

from schemas.envelope import Contract
from schemas.ids import Oin


class Bedrag(Contract):
    """An amount of money: whole euro cents as an integer, never a float."""

    centen: StrictInt = Field(
        ge=0, description="Amount in euro cents (integer, non-negative): 12345 is EUR 123,45."
    )
    valuta: Literal["EUR"] = Field(default="EUR", description="Currency: always EUR.")

    def __str__(self) -> str:
        euros, cents = divmod(self.centen, 100)
        return f"EUR {euros},{cents:02d}"


class Partijsoort(StrEnum):
    """Kind of organisation taking part in a case."""

    GEMEENTE = "gemeente"
    LANDELIJKE_UITVOERDER = "landelijke-uitvoerder"
    ZORGVERZEKERAAR = "zorgverzekeraar"
    ZORGKANTOOR = "zorgkantoor"
    LOKET = "loket"
    LET = "let"
    MINISTERIE = "ministerie"
    OVERIG = "overig"


class Partij(Contract):
    """An organisation as it appears in a message: identified by its OIN."""

    oin: Oin = Field(description="The organisation's OIN (20 digits).")
    naam: str = Field(description="The organisation's name.", min_length=1, max_length=200)
    soort: Partijsoort = Field(description="Kind of organisation.")


class Regel(Contract):
    """A rule or statutory provision, as precise as it is known."""

    regeling: str = Field(
        description="Name of the law or regulation, e.g. 'Participatiewet' or 'Awb'.",
        min_length=1,
        max_length=200,
    )
    artikel: str | None = Field(
        default=None,
        description="Article and paragraph, e.g. 'artikel 4:94, eerste lid'.",
        max_length=200,
    )
    bwb_id: str | None = Field(
        default=None,
        description="Identifier of the regulation in the Basiswettenbestand (wetten.overheid.nl).",
        pattern=r"^BWB[RV][0-9]{7}$",
    )
    omschrijving: str | None = Field(
        default=None, description="What the rule prescribes, in words.", max_length=2000
    )


class Bestuurder(Contract):
    """An administrator of an organisation, by role (no personal data needed)."""

    partij: Partij = Field(description="The organisation the administrator leads.")
    functie: str = Field(
        description="The administrator's role, e.g. 'wethouder' or 'directeur-generaal'.",
        min_length=1,
        max_length=200,
    )


class Weigeringsreden(StrEnum):
    """Why an agency refused an instruction that asks it to take part, not to stop collection
    (an escalation's invitation, a repayment request of the bridging procedure)."""

    ONBEKENDE_PERSOON = "onbekende-persoon"
    """The back-office knows none of the persons the instruction names."""
    DATUM_VERSTREKEN = "datum-verstreken"
    """The date it is asked for lies in the past (a meeting that began, a due date gone by)."""
    NIET_VERANTWOORDELIJK = "niet-verantwoordelijk"
    """The agency disputes that it is the party asked (it files an objection with the LET)."""
    ONVERWERKBAAR = "onverwerkbaar"
    """The back-office could not process it (an answer the connector could not read)."""
