"""Time-out (opschorting) messages: the loket's order, the hub's per-agency instruction, and the
agency's answer.

Flow: ``OpschortingOpgedragen`` (hub records the loket's order) -> one ``OpschortingInstructie`` per
agency, on that agency's own topic -> ``OpschortingBevestigd`` / ``OpschortingDeelsBevestigd`` /
``OpschortingGeweigerd`` from the agency's connector back to the hub.

Extension and lifting flow the same way (``OpschortingVerlengd`` / ``OpschortingOpgeheven`` ->
``OpschortingVerlengingInstructie`` / ``OpschortingOpheffingInstructie`` per agency -> the same
three answers, whose ``instructie_id`` names the instruction answered). Expiry
(``OpschortingVerlopen``) needs no instruction: every agency received the end date with its
instruction.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from schemas.envelope import Contract, EventData, register
from schemas.ids import CasusId, Oin, Pseudoniem
from schemas.organisaties import Uitvoerdercode


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

    uitvoerder: Uitvoerdercode = Field(description="The agency.")
    vorderingen: tuple[str, ...] | None = Field(
        default=None,
        description="The agency's own claim references; null means all claims of the household.",
    )


class Periode(Contract):
    """A period of whole days, both ends inclusive."""

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
    casus_id: CasusId = Field(description="The casus the time-out belongs to.")
    scope: tuple[Scope, ...] = Field(min_length=1, description="Agencies in scope, one entry each.")
    maatregelen: tuple[Maatregel, ...] = Field(min_length=1, description="Measures that stop.")
    periode: Periode = Field(description="Period in which the measures stop.")
    grondslag: str = Field(description="Legal ground of the order.", min_length=1, max_length=500)
    reden: str = Field(description="Why the time-out is needed.", min_length=1, max_length=2000)
    opgedragen_op: AwareDatetime = Field(description="When the loket ordered the time-out.")


class PersoonVersleuteld(Contract):
    """A household member as an agency receives it: pseudonym and the BSN sealed for that agency."""

    pseudoniem: Pseudoniem = Field(description="Pseudonym of the household member.")
    bsn_versleuteld: str = Field(
        description="The BSN sealed with the receiving agency's public key "
        "(X25519 + HKDF-SHA256 + AES-256-GCM, see schemas.versleuteling); "
        "only that agency can open it.",
        pattern=r"^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$",
    )


@register
class OpschortingInstructie(EventData):
    """The hub instructs one agency to suspend collection for the household."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.instructie.v1"
    opschorting_id: str = Field(description="Id of the time-out order (UUID).")
    casus_id: CasusId = Field(description="The casus the time-out belongs to.")
    uitvoerder: Uitvoerdercode = Field(description="The agency instructed (owner of the topic).")
    personen: tuple[PersoonVersleuteld, ...] = Field(
        min_length=1, description="Household members, each BSN sealed for this agency only."
    )
    vorderingen: tuple[str, ...] | None = Field(
        default=None, description="Claims in scope; null means all claims of these persons."
    )
    maatregelen: tuple[Maatregel, ...] = Field(min_length=1, description="Measures that stop.")
    periode: Periode = Field(description="Period in which the measures stop.")
    grondslag: str = Field(description="Legal ground of the order.", min_length=1, max_length=500)
    reden: str = Field(description="Why the time-out is needed.", min_length=1, max_length=2000)
    reageer_uiterlijk: AwareDatetime = Field(description="Deadline for the agency's answer.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality whose back-office holds "
        "the claims (the household's municipality of residence, the casus's woongemeente). One "
        "connector serves many municipalities and routes by it; unset for every other agency.",
    )


class _Wijziging(EventData):
    opschorting_id: str = Field(description="Id of the time-out order (UUID).")
    casus_id: CasusId = Field(description="The casus the time-out belongs to.")


@register
class OpschortingVerlengd(_Wijziging):
    """The loket extended a running time-out (recorded by the hub)."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.verlengd.v1"
    vorige_einddatum: dt.date = Field(description="The last day of the time-out until now.")
    periode: Periode = Field(description="The whole period after the extension.")
    reden: str = Field(description="Why more time is needed.", min_length=1, max_length=2000)
    verlengd_op: AwareDatetime = Field(description="When the loket extended the time-out.")

    @model_validator(mode="after")
    def _later_einde(self) -> Self:
        if self.periode.einddatum <= self.vorige_einddatum:
            raise ValueError("periode.einddatum must lie after vorige_einddatum")
        return self


@register
class OpschortingOpgeheven(_Wijziging):
    """The loket lifted a time-out before its end date (recorded by the hub)."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.opgeheven.v1"
    opheffingsdatum: dt.date = Field(description="First day on which the measures may resume.")
    reden: str = Field(description="Why the time-out is lifted.", min_length=1, max_length=2000)
    opgeheven_op: AwareDatetime = Field(description="When the loket lifted the time-out.")


@register
class OpschortingVerlopen(_Wijziging):
    """The time-out reached its end date without extension (recorded by the hub)."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.verlopen.v1"
    einddatum: dt.date = Field(description="The last day of the time-out that passed.")
    verlopen_op: AwareDatetime = Field(description="When the hub recorded the expiry.")


class _Wijzigingsinstructie(EventData):
    opschorting_id: str = Field(description="Id of the time-out order (UUID).")
    casus_id: CasusId = Field(description="The casus the time-out belongs to.")
    uitvoerder: Uitvoerdercode = Field(description="The agency instructed (owner of the topic).")
    instructie_id: str = Field(description="Event id of the original OpschortingInstructie.")
    referentie: str | None = Field(
        default=None, description="The agency's own reference from its confirmation, if any."
    )
    personen: tuple[PersoonVersleuteld, ...] = Field(
        min_length=1, description="Household members, each BSN sealed for this agency only."
    )
    vorderingen: tuple[str, ...] | None = Field(
        default=None, description="Claims in scope; null means all claims of these persons."
    )
    reden: str = Field(description="Why the time-out changes.", min_length=1, max_length=2000)
    reageer_uiterlijk: AwareDatetime = Field(description="Deadline for the agency's answer.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality whose back-office holds "
        "the claims (the household's municipality of residence, the casus's woongemeente). One "
        "connector serves many municipalities and routes by it; unset for every other agency.",
    )


@register
class OpschortingVerlengingInstructie(_Wijzigingsinstructie):
    """The hub instructs one agency to keep the suspension in place for longer."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.verlenging-instructie.v1"
    periode: Periode = Field(description="The whole period after the extension.")


@register
class OpschortingOpheffingInstructie(_Wijzigingsinstructie):
    """The hub instructs one agency to end the suspension early."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.opheffing-instructie.v1"
    opheffingsdatum: dt.date = Field(description="First day on which the measures may resume.")


class VorderingResultaat(Contract):
    """The agency's answer for one claim."""

    vordering: str = Field(description="The agency's own claim reference.")
    opgeschort: bool = Field(description="Whether collection of this claim is suspended.")
    redencode: Redencode | None = Field(default=None, description="Set when not suspended.")
    toelichting: str | None = Field(
        default=None, description="The agency's note on this claim.", max_length=1000
    )

    @model_validator(mode="after")
    def _reden_bij_weigering(self) -> Self:
        if not self.opgeschort and self.redencode is None:
            raise ValueError("redencode is required when a claim is not suspended")
        return self


class _Antwoord(EventData):
    opschorting_id: str = Field(description="Id of the time-out order (UUID).")
    casus_id: CasusId = Field(description="The casus the time-out belongs to.")
    uitvoerder: Uitvoerdercode = Field(description="The answering agency.")
    instructie_id: str = Field(
        description="Event id of the instruction this answers (instructie, verlenging-instructie "
        "or opheffing-instructie)."
    )
    beantwoord_op: AwareDatetime = Field(description="When the agency answered.")
    wijzigingsreferentie: str | None = Field(
        default=None,
        description="The agency's own reference of the extension or lifting this answers, "
        "if it gives one (answers to an order leave it out).",
    )
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality whose back-office "
        "answered (the instruction's gemeente); unset for every other agency.",
    )


@register
class OpschortingBevestigd(_Antwoord):
    """The agency suspended everything in scope."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.bevestigd.v1"
    referentie: str = Field(
        description="The agency's own reference of the suspension.", min_length=1
    )
    vorderingen: tuple[VorderingResultaat, ...] = Field(
        default=(), description="Per claim, where the agency reports claims."
    )


@register
class OpschortingDeelsBevestigd(_Antwoord):
    """The agency suspended some claims and not others."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.deels-bevestigd.v1"
    referentie: str = Field(
        description="The agency's own reference of the suspension.", min_length=1
    )
    vorderingen: tuple[VorderingResultaat, ...] = Field(
        min_length=1, description="Per claim: suspended or not, with the reason code when not."
    )


@register
class OpschortingGeweigerd(_Antwoord):
    """The agency refused the instruction."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.geweigerd.v1"
    redencode: Redencode = Field(description="Why the agency refused, as a code.")
    reden: str = Field(description="The agency's reason, in words.", min_length=1, max_length=2000)
    referentie: str | None = Field(default=None, description="The agency's reference, if any.")
    vorderingen: tuple[VorderingResultaat, ...] = Field(
        default=(), description="Per claim, where the agency reports claims."
    )


Antwoord = OpschortingBevestigd | OpschortingDeelsBevestigd | OpschortingGeweigerd
