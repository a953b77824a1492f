"""Casus messages: the loket's intake of a stuck case and its lifecycle."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from schemas.envelope import Contract, EventData, register
from schemas.ids import CasusId, Oin, Pseudoniem
from schemas.organisaties import Uitvoerder


class Urgentie(StrEnum):
    NORMAAL = "normaal"
    HOOG = "hoog"
    ACUUT = "acuut"


class Probleemdomein(StrEnum):
    SCHULDEN = "schulden"
    ZORG = "zorg"
    WONEN = "wonen"
    INKOMEN = "inkomen"
    VERBLIJFSSTATUS = "verblijfsstatus"
    ONDERWIJS = "onderwijs"
    JUSTITIE = "justitie"


class Instrument(StrEnum):
    TIME_OUT = "time-out"
    ESCALATIE = "escalatie"
    OVERBRUGGING = "overbrugging"
    INFORMATIE_DELEN = "informatie-delen"
    AFWIJKING = "afwijking"


class Huishoudlid(Contract):
    """A household member as it travels: pseudonymised, never with a BSN."""

    pseudoniem: Pseudoniem
    rol: str = Field(
        description="Role in the household (aanvrager, partner, kind, overig).", max_length=40
    )


class Maatwerkfunctionaris(Contract):
    naam: str = Field(description="Name of the officer or team.", min_length=1, max_length=200)
    email: str = Field(description="Central e-mail address.", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    telefoon: str | None = Field(default=None, description="Phone number.", max_length=40)


@register
class CasusIngediend(EventData):
    """The loket has taken in a casus."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.ingediend.v1"
    casus_id: CasusId
    indiener_oin: Oin = Field(description="OIN of the submitting organisation.")
    maatwerkfunctionaris: Maatwerkfunctionaris = Field(description="Contact point for this casus.")
    huishouden: tuple[Huishoudlid, ...] = Field(
        min_length=1, description="Household members, pseudonymised."
    )
    probleemdomeinen: tuple[Probleemdomein, ...] = Field(min_length=1)
    betrokken_organisaties: tuple[Uitvoerder, ...] = Field(
        description="Organisations involved in the case."
    )
    geprobeerd: str = Field(
        description="What was tried already (no personal identifiers).", min_length=1, max_length=4000
    )
    urgentie: Urgentie
    gevraagde_instrumenten: tuple[Instrument, ...] = Field(min_length=1)
    ingediend_op: AwareDatetime


