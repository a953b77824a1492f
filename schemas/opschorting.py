"""Time-out (opschorting) messages: the loket's order, the hub's per-agency instruction, and the
agency's answer.

Flow: ``OpschortingOpgedragen`` (hub records the loket's order) -> one ``OpschortingInstructie`` per
agency, on that agency's own topic -> ``OpschortingBevestigd`` / ``OpschortingDeelsBevestigd`` /
``OpschortingGeweigerd`` from the agency's connector back to the hub.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from schemas.envelope import Contract, EventData, register
from schemas.ids import CasusId, Pseudoniem
from schemas.organisaties import Uitvoerder


class Maatregel(StrEnum):
    """Collection measures a time-out can stop."""

    INVORDERING = "invordering"
    """Collection of the claim (payment demands, reminders)."""
    BESLAG = "beslag"
    """Garnishment (of wages, benefits, bank accounts)."""
    VERREKENING = "verrekening"
    """Set-off against benefits or refunds."""
    VERHOGING = "verhoging"
    """Surcharges for late payment."""
    RENTE = "rente"
    """Interest."""
    DWANGBEVEL = "dwangbevel"
    """Enforcement orders."""


class Redencode(StrEnum):
    """Why an agency did not suspend (a claim or the whole instruction)."""

    BEZWAAR_OF_BEROEP = "bezwaar-of-beroep"
    ONBEKENDE_PERSOON = "onbekende-persoon"
    ONBEKENDE_VORDERING = "onbekende-vordering"
    TERMIJN_ONGELDIG = "termijn-ongeldig"
    WETTELIJK_UITGESLOTEN = "wettelijk-uitgesloten"
    ONVERWERKBAAR = "onverwerkbaar"


class Scope(Contract):
    """Which claims at one agency the time-out covers."""

    uitvoerder: Uitvoerder
    vorderingen: tuple[str, ...] | None = Field(
        default=None,
        description="The agency's own claim references; null means all claims of the household.",
    )


class Periode(Contract):
    ingangsdatum: dt.date = Field(description="First day of the time-out.")
    einddatum: dt.date = Field(description="Last day of the time-out (inclusive).")

    @model_validator(mode="after")
    def _einde_na_begin(self) -> Self:
        if self.einddatum < self.ingangsdatum:
            raise ValueError("einddatum must not lie before ingangsdatum")
        return self


@register
class OpschortingOpgedragen(EventData):
    """The loket ordered a time-out on a casus (recorded by the hub)."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.opgedragen.v1"
    opschorting_id: str = Field(description="Id of the time-out order (UUID).")
    casus_id: CasusId
    scope: tuple[Scope, ...] = Field(min_length=1, description="Agencies in scope, one entry each.")
    maatregelen: tuple[Maatregel, ...] = Field(min_length=1, description="Measures that stop.")
    periode: Periode
    grondslag: str = Field(
        description="Legal ground of the order.", min_length=1, max_length=500
    )
    reden: str = Field(description="Why the time-out is needed.", min_length=1, max_length=2000)
    opgedragen_op: AwareDatetime


class PersoonVersleuteld(Contract):
    """A household member as an agency receives it: pseudonym plus the BSN sealed for that agency."""

    pseudoniem: Pseudoniem
    bsn_versleuteld: str = Field(
        description="The BSN sealed with the receiving agency's public key "
        "(X25519 + HKDF-SHA256 + AES-256-GCM, see schemas.versleuteling); only that agency can open it.",
        pattern=r"^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$",
    )


@register
class OpschortingInstructie(EventData):
    """The hub instructs one agency to suspend collection for the household."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.instructie.v1"
    opschorting_id: str
    casus_id: CasusId
    uitvoerder: Uitvoerder
    personen: tuple[PersoonVersleuteld, ...] = Field(min_length=1)
    vorderingen: tuple[str, ...] | None = Field(
        default=None, description="Claims in scope; null means all claims of these persons."
    )
    maatregelen: tuple[Maatregel, ...] = Field(min_length=1)
    periode: Periode
    grondslag: str = Field(min_length=1, max_length=500)
    reden: str = Field(min_length=1, max_length=2000)
    reageer_uiterlijk: AwareDatetime = Field(description="Deadline for the agency's answer.")


class VorderingResultaat(Contract):
    """The agency's answer for one claim."""

    vordering: str = Field(description="The agency's own claim reference.")
    opgeschort: bool
    redencode: Redencode | None = Field(default=None, description="Set when not suspended.")
    toelichting: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _reden_bij_weigering(self) -> Self:
        if not self.opgeschort and self.redencode is None:
            raise ValueError("redencode is required when a claim is not suspended")
        return self


class _Antwoord(EventData):
    opschorting_id: str
    casus_id: CasusId
    uitvoerder: Uitvoerder
    instructie_id: str = Field(description="Event id of the instruction this answers.")
    beantwoord_op: AwareDatetime


@register
class OpschortingBevestigd(_Antwoord):
    """The agency suspended everything in scope."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.bevestigd.v1"
    referentie: str = Field(description="The agency's own reference of the suspension.", min_length=1)
    vorderingen: tuple[VorderingResultaat, ...] = Field(
        default=(), description="Per claim, where the agency reports claims."
    )


@register
class OpschortingDeelsBevestigd(_Antwoord):
    """The agency suspended some claims and not others."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.deels-bevestigd.v1"
    referentie: str = Field(min_length=1)
    vorderingen: tuple[VorderingResultaat, ...] = Field(min_length=1)


@register
class OpschortingGeweigerd(_Antwoord):
    """The agency refused the instruction."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.geweigerd.v1"
    redencode: Redencode
    reden: str = Field(description="The agency's reason, in words.", min_length=1, max_length=2000)
    referentie: str | None = Field(default=None, description="The agency's reference, if any.")
    vorderingen: tuple[VorderingResultaat, ...] = Field(default=())


Antwoord = OpschortingBevestigd | OpschortingDeelsBevestigd | OpschortingGeweigerd
