"""The deviation (afwijkingsbevoegdheid): a decision to depart from a rule for one household.

An organisation that takes part in a casus may decide, under a mandate, not to apply a rule of
law or policy as written, so that the household gets a solution that works (six months without
set-off, a payment plan outside the usual terms). The decision is accounted for afterwards, so
the hub keeps what was decided, why, by whom and under which mandate, on the casus, and links it
to the LET's knelpunt (a systemic bottleneck) when the rule itself is the problem.

A decision is recorded once and not changed: a different decision is a new one. It can only be
recorded on a casus the loket is working on (:data:`AFWIJKBAAR`): not before the loket accepted
it, and not on one refused, solved or closed (a solved casus's solution is what it is; the
contract promises nothing further for a closed casus).

Pure Python: no I/O. The service layer loads the casus, calls :meth:`Afwijking.besluit` and
stores the result; the message bus (``hub.service.berichten.afwijking``) turns the recorded event
into ``nl.maatwerk.afwijking.besloten.v1`` and the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from hub.domain.casus import CasusStatus
from hub.domain.model import Aggregaat, Gebeurtenis
from hub.domain.opschorting import NL

AFWIJKBAAR: Final[tuple[CasusStatus, ...]] = (
    CasusStatus.GEACCEPTEERD,
    CasusStatus.IN_BEHANDELING,
    CasusStatus.OPGESCHAALD,
)
"""The statuses of a casus on which a deviation may be recorded: the ones being worked on."""

MAX_TERUG = dt.timedelta(days=366)
"""How long after the decision it may still be recorded: older is a typo in the date."""


class OngeldigeAfwijking(ValueError):
    """A decision the hub cannot record. ``field`` names the input at fault; without one, the
    state of the casus is what forbids it (a conflict), and ``toegestaan`` names the statuses in
    which it would be allowed."""

    def __init__(
        self, message: str, *, field: str | None = None, toegestaan: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.field = field
        self.toegestaan = toegestaan


@dataclass(frozen=True, slots=True)
class Regel:
    """The rule deviated from, as precisely as known (``schemas.gedeeld.Regel``)."""

    regeling: str
    artikel: str | None = None
    bwb_id: str | None = None
    omschrijving: str | None = None


@dataclass(frozen=True, slots=True)
class Besluitnemer:
    """Who decided: the organisation (by OIN) and the role that holds the mandate."""

    oin: str
    naam: str
    soort: str
    """``schemas.gedeeld.Partijsoort`` value."""
    functie: str


@dataclass(frozen=True, slots=True)
class Besluit:
    """What was decided, as recorded; never changed afterwards."""

    afwijking_id: str
    casus_id: str
    regel: Regel
    afwijking: str
    """What is done instead of what the rule prescribes."""
    motivering: str
    besloten_door: Besluitnemer
    mandaat: str
    betrokkenen: tuple[str, ...]
    """Household members it applies to (pseudonyms); empty: the household as a whole."""
    geldig_van: dt.date | None
    geldig_tot: dt.date | None
    besluitdatum: dt.date
    knelpunt_id: str | None
    vastgelegd_op: dt.datetime
    vastgelegd_door: str
    """The proven caller that recorded it (``urn:nld:oin:<OIN>``)."""


@dataclass(frozen=True, kw_only=True)
class AfwijkingVastgelegd(Gebeurtenis):
    """A deviation decision was recorded on a casus. Carries the decision's values."""

    besluit: Besluit


@dataclass(kw_only=True)
class Afwijking(Aggregaat):
    """One deviation decision on a casus."""

    besluit: Besluit

    @property
    def afwijking_id(self) -> str:
        return self.besluit.afwijking_id

    @property
    def casus_id(self) -> str:
        return self.besluit.casus_id

    @classmethod
    def besluit_vast(
        cls,
        *,
        afwijking_id: str,
        casus_id: str,
        casus_status: CasusStatus,
        huishouden: Collection[str],
        regel: Regel,
        afwijking: str,
        motivering: str,
        besloten_door: Besluitnemer,
        mandaat: str,
        betrokkenen: tuple[str, ...],
        geldig_van: dt.date | None,
        geldig_tot: dt.date | None,
        besluitdatum: dt.date,
        knelpunt_id: str | None,
        door: str,
        op: dt.datetime,
    ) -> Afwijking:
        """Record a decision on a casus in status ``casus_status`` whose household has these
        pseudonyms (``huishouden``); records :class:`AfwijkingVastgelegd`."""
        if casus_status not in AFWIJKBAAR:
            toegestaan = tuple(s.value for s in AFWIJKBAAR)
            raise OngeldigeAfwijking(
                f"casus {casus_id} is {casus_status.value}: a deviation can be recorded only "
                f"while the casus is {', '.join(toegestaan)}",
                toegestaan=toegestaan,
            )
        _controleer_betrokkenen(betrokkenen, huishouden)
        _controleer_data(besluitdatum, geldig_van, geldig_tot, op)
        besluit = Besluit(
            afwijking_id=afwijking_id,
            casus_id=casus_id,
            regel=regel,
            afwijking=afwijking,
            motivering=motivering,
            besloten_door=besloten_door,
            mandaat=mandaat,
            betrokkenen=tuple(p for p in huishouden if p in betrokkenen),
            geldig_van=geldig_van,
            geldig_tot=geldig_tot,
            besluitdatum=besluitdatum,
            knelpunt_id=knelpunt_id,
            vastgelegd_op=op,
            vastgelegd_door=door,
        )
        vastgelegd = cls(besluit=besluit)
        vastgelegd.registreer(AfwijkingVastgelegd(besluit=besluit, door=door, op=op))
        return vastgelegd


def _controleer_betrokkenen(betrokkenen: tuple[str, ...], huishouden: Collection[str]) -> None:
    leden = set(huishouden)
    for index, pseudoniem in enumerate(betrokkenen):
        if pseudoniem not in leden:
            raise OngeldigeAfwijking(
                "not a member of the casus household", field=f"betrokkenen.{index}"
            )


def _controleer_data(
    besluitdatum: dt.date, van: dt.date | None, tot: dt.date | None, op: dt.datetime
) -> None:
    """The decision was taken (not in the future, not more than a year ago, in the
    Netherlands' calendar), and a period has both ends, in order."""
    vandaag = op.astimezone(NL).date()
    if besluitdatum > vandaag:
        raise OngeldigeAfwijking(
            "besluitdatum must not lie in the future: record a decision once it is taken",
            field="besluitdatum",
        )
    if besluitdatum < vandaag - MAX_TERUG:
        raise OngeldigeAfwijking(
            f"besluitdatum must not lie more than {MAX_TERUG.days} days in the past",
            field="besluitdatum",
        )
    if (van is None) != (tot is None):
        raise OngeldigeAfwijking(
            "geldigheid needs both ingangsdatum and einddatum, or neither",
            field="geldigheid",
        )
    if van is not None and tot is not None and tot < van:
        raise OngeldigeAfwijking(
            "einddatum must not lie before ingangsdatum", field="geldigheid.einddatum"
        )
