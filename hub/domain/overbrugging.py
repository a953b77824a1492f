"""The bridging procedure (overbrugging): start care now, settle who pays later.

Everyone agrees what care a household needs, but not who pays. The loket decides fast whether to
bridge (:meth:`Overbrugging.ken_toe` or :meth:`Overbrugging.wijs_af`); a granted bridging is
pre-financed (:meth:`Overbrugging.betaal`, each payment booked); the LET designates the
responsible party (:meth:`Overbrugging.wijs_verantwoordelijke_aan`), which is asked to repay
(:meth:`Overbrugging.vraag_terugbetaling`); repayments are booked as they come in, part payments
allowed (:meth:`Overbrugging.ontvang_terugbetaling`). The money is the double-entry ledger of
:mod:`hub.domain.grootboek`.

Each step checks its rule here and records a domain event carrying what happened (values, not
the live aggregate). A step the status does not allow is :class:`OngeldigeStap` (409, naming the
status and what it allows); a booking that breaks a rule of the books is
:class:`~hub.domain.grootboek.OngeldigeBoeking` (422, naming the field), and nothing changes.

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypedDict

from hub.domain.grootboek import Grootboek, OngeldigeBoeking, geldig_bedrag
from hub.domain.model import Aggregaat, Gebeurtenis


class OverbruggingStatus(StrEnum):
    AANGEVRAAGD = "aangevraagd"
    """Waiting for the loket's decision."""
    TOEGEKEND = "toegekend"
    AFGEWEZEN = "afgewezen"


class Stap(StrEnum):
    """What can be done to a bridging; the 409 of a step not allowed lists those that are."""

    TOEKENNEN = "toekenning"
    AFWIJZEN = "afwijzing"
    BETALEN = "betaling"
    VERANTWOORDELIJKE = "verantwoordelijke"
    TERUGBETALING_VRAGEN = "terugbetalingsverzoek"
    TERUGBETALING_ONTVANGEN = "terugbetaling"


@dataclass(frozen=True, slots=True)
class Organisatie:
    """An organisation as a bridging names it (a contract ``Partij``)."""

    oin: str
    naam: str
    soort: str


@dataclass(frozen=True, slots=True)
class Financier:
    organisatie: Organisatie
    kader: str
    """The law it would pay under (``schemas.overbrugging.Financieringskader``)."""


@dataclass(frozen=True, slots=True)
class Toekenning:
    voorfinancierder: Organisatie
    maximum_centen: int
    ingangsdatum: dt.date
    toelichting: str | None


@dataclass(frozen=True, slots=True)
class Afwijzing:
    redencode: str
    reden: str


@dataclass(frozen=True, slots=True)
class Betaling:
    betaling_id: str
    centen: int
    ontvanger: str
    """The care provider paid (a name)."""
    betaaldatum: dt.date
    betalingskenmerk: str
    geboekt_op: dt.datetime


@dataclass(frozen=True, slots=True)
class Verantwoordelijke:
    organisatie: Organisatie
    kader: str
    motivering: str
    escalatie_id: str | None
    aangewezen_op: dt.datetime


@dataclass(frozen=True, slots=True)
class Terugbetalingsverzoek:
    verzoek_id: str
    betaler: Organisatie
    centen: int
    uiterlijk: dt.date
    betalingskenmerk: str
    gevraagd_op: dt.datetime


@dataclass(frozen=True, slots=True)
class Terugbetaling:
    terugbetaling_id: str
    verzoek_id: str
    centen: int
    ontvangstdatum: dt.date
    geboekt_op: dt.datetime


class _Ids(TypedDict):
    overbrugging_id: str
    casus_id: str
    door: str
    op: dt.datetime


class OngeldigeStap(Exception):
    """The bridging's status does not allow this step; names the status and the allowed steps."""

    def __init__(self, overbrugging: Overbrugging, stap: Stap, waarom: str) -> None:
        self.status = overbrugging.status
        self.toegestaan = overbrugging.toegestaan
        allowed = ", ".join(self.toegestaan) or "none"
        super().__init__(
            f"overbrugging {overbrugging.overbrugging_id} is {self.status}: {stap} is not "
            f"allowed ({waarom}); allowed: {allowed}"
        )


@dataclass(frozen=True, kw_only=True)
class OverbruggingGebeurtenis(Gebeurtenis):
    overbrugging_id: str
    casus_id: str


@dataclass(frozen=True, kw_only=True)
class Aangevraagd(OverbruggingGebeurtenis):
    zorgvoorziening: str
    mogelijke_financiers: tuple[Financier, ...]
    geraamd_centen: int
    aanvrager: Organisatie
    urgent: bool


@dataclass(frozen=True, kw_only=True)
class Toegekend(OverbruggingGebeurtenis):
    toekenning: Toekenning
    aangevraagd_op: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Afgewezen(OverbruggingGebeurtenis):
    afwijzing: Afwijzing
    aangevraagd_op: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Betaald(OverbruggingGebeurtenis):
    betaling: Betaling
    betaald_door: Organisatie
    openstaand_centen: int


@dataclass(frozen=True, kw_only=True)
class Aangewezen(OverbruggingGebeurtenis):
    verantwoordelijke: Verantwoordelijke
    openstaand_centen: int


@dataclass(frozen=True, kw_only=True)
class Teruggevraagd(OverbruggingGebeurtenis):
    verzoek: Terugbetalingsverzoek
    ontvanger: Organisatie


@dataclass(frozen=True, kw_only=True)
class Terugontvangen(OverbruggingGebeurtenis):
    terugbetaling: Terugbetaling
    betaald_door: Organisatie
    openstaand_centen: int
    """What the responsible party still owes after this payment."""


@dataclass(kw_only=True)
class Overbrugging(Aggregaat):
    """One bridging on a casus: the request, the decision, the money and who repays it."""

    overbrugging_id: str
    casus_id: str
    zorgvoorziening: str
    mogelijke_financiers: tuple[Financier, ...]
    geraamd_centen: int
    aanvrager: Organisatie
    urgent: bool
    aangevraagd_op: dt.datetime
    status: OverbruggingStatus = OverbruggingStatus.AANGEVRAAGD
    besloten_op: dt.datetime | None = None
    toekenning: Toekenning | None = None
    afwijzing: Afwijzing | None = None
    verantwoordelijke: Verantwoordelijke | None = None
    betalingen: list[Betaling] = field(default_factory=list)
    verzoeken: list[Terugbetalingsverzoek] = field(default_factory=list)
    terugbetalingen: list[Terugbetaling] = field(default_factory=list)
    grootboek: Grootboek = field(default_factory=Grootboek)
    versie: int = 0
    """Bumped by every stored change: two writers of one bridging cannot both win."""

    @classmethod
    def vraag_aan(
        cls,
        *,
        overbrugging_id: str,
        casus_id: str,
        zorgvoorziening: str,
        mogelijke_financiers: tuple[Financier, ...],
        geraamd_centen: int,
        aanvrager: Organisatie,
        urgent: bool,
        door: str,
        nu: dt.datetime,
    ) -> Overbrugging:
        if not mogelijke_financiers:
            raise OngeldigeBoeking("mogelijke_financiers", "name at least one possible financier")
        geldig_bedrag(geraamd_centen, "geraamd_bedrag_centen")
        o = cls(
            overbrugging_id=overbrugging_id,
            casus_id=casus_id,
            zorgvoorziening=zorgvoorziening,
            mogelijke_financiers=mogelijke_financiers,
            geraamd_centen=geraamd_centen,
            aanvrager=aanvrager,
            urgent=urgent,
            aangevraagd_op=nu,
        )
        o.registreer(
            Aangevraagd(
                **o._ids(door, nu),
                zorgvoorziening=zorgvoorziening,
                mogelijke_financiers=mogelijke_financiers,
                geraamd_centen=geraamd_centen,
                aanvrager=aanvrager,
                urgent=urgent,
            )
        )
        return o

    def _ids(self, door: str, nu: dt.datetime) -> _Ids:
        return {
            "overbrugging_id": self.overbrugging_id,
            "casus_id": self.casus_id,
            "door": door,
            "op": nu,
        }

    @property
    def toegestaan(self) -> tuple[Stap, ...]:
        """The steps the current state allows."""
        if self.status is OverbruggingStatus.AANGEVRAAGD:
            return (Stap.TOEKENNEN, Stap.AFWIJZEN)
        if self.status is OverbruggingStatus.AFGEWEZEN:
            return ()
        stappen = [Stap.BETALEN]
        if self.verantwoordelijke is None:
            stappen.append(Stap.VERANTWOORDELIJKE)
        else:
            if self.te_vragen_centen > 0:
                stappen.append(Stap.TERUGBETALING_VRAGEN)
            if self.verzoeken:
                stappen.append(Stap.TERUGBETALING_ONTVANGEN)
        return tuple(stappen)

    def _mag(self, stap: Stap, waarom: str) -> None:
        if stap not in self.toegestaan:
            raise OngeldigeStap(self, stap, waarom)

    def beslistijd(self, nu: dt.datetime) -> dt.timedelta:
        """From request to decision; while undecided, how long it has waited until ``nu``."""
        return (self.besloten_op or nu) - self.aangevraagd_op

    @property
    def openstaand_centen(self) -> int:
        return self.grootboek.openstaand

    @property
    def gevraagd_centen(self) -> int:
        return sum(v.centen for v in self.verzoeken)

    @property
    def te_vragen_centen(self) -> int:
        """Owed by the responsible party and not yet asked of it (paid after the last request)."""
        if self.verantwoordelijke is None:
            return 0
        ontvangen = sum(t.centen for t in self.terugbetalingen)
        return self.openstaand_centen - (self.gevraagd_centen - ontvangen)

    def open_van(self, verzoek: Terugbetalingsverzoek) -> int:
        """What is still to be paid on one repayment request."""
        betaald = sum(t.centen for t in self.terugbetalingen if t.verzoek_id == verzoek.verzoek_id)
        return verzoek.centen - betaald

    def ken_toe(self, toekenning: Toekenning, *, door: str, nu: dt.datetime) -> None:
        self._mag(Stap.TOEKENNEN, "the loket decided already")
        geldig_bedrag(toekenning.maximum_centen, "maximum_bedrag_centen")
        self.status, self.toekenning, self.besloten_op = (
            OverbruggingStatus.TOEGEKEND,
            toekenning,
            nu,
        )
        self.registreer(
            Toegekend(
                **self._ids(door, nu), toekenning=toekenning, aangevraagd_op=self.aangevraagd_op
            )
        )

    def wijs_af(self, afwijzing: Afwijzing, *, door: str, nu: dt.datetime) -> None:
        self._mag(Stap.AFWIJZEN, "the loket decided already")
        self.status, self.afwijzing, self.besloten_op = OverbruggingStatus.AFGEWEZEN, afwijzing, nu
        self.registreer(
            Afgewezen(
                **self._ids(door, nu), afwijzing=afwijzing, aangevraagd_op=self.aangevraagd_op
            )
        )

    def betaal(self, betaling: Betaling, *, door: str, nu: dt.datetime) -> None:
        """Book a pre-financing payment: only on a granted bridging, within its maximum."""
        self._mag(Stap.BETALEN, "only a granted bridging is pre-financed")
        assert self.toekenning is not None
        geldig_bedrag(betaling.centen)
        if betaling.betaaldatum < self.toekenning.ingangsdatum:
            raise OngeldigeBoeking(
                "betaaldatum",
                f"betaaldatum {betaling.betaaldatum} is before the bridging's first day "
                f"{self.toekenning.ingangsdatum}",
            )
        ruimte = self.toekenning.maximum_centen - self.grootboek.voorgefinancierd
        if betaling.centen > ruimte:
            raise OngeldigeBoeking(
                "bedrag_centen",
                f"bedrag {betaling.centen} exceeds what the decision leaves to pre-finance "
                f"({ruimte} of {self.toekenning.maximum_centen} cents)",
            )
        self.grootboek = self.grootboek.betaal(betaling.centen, betaling.betaling_id)
        self.betalingen.append(betaling)
        self.registreer(
            Betaald(
                **self._ids(door, nu),
                betaling=betaling,
                betaald_door=self.toekenning.voorfinancierder,
                openstaand_centen=self.openstaand_centen,
            )
        )

    def wijs_verantwoordelijke_aan(
        self, verantwoordelijke: Verantwoordelijke, *, door: str, nu: dt.datetime
    ) -> None:
        """The LET's designation: what was pre-financed is owed by that party from now on."""
        self._mag(Stap.VERANTWOORDELIJKE, "only once, on a granted bridging")
        self.grootboek = self.grootboek.wijs_toe(
            verantwoordelijke.organisatie.oin, f"aanwijzing:{self.overbrugging_id}"
        )
        self.verantwoordelijke = verantwoordelijke
        self.registreer(
            Aangewezen(
                **self._ids(door, nu),
                verantwoordelijke=verantwoordelijke,
                openstaand_centen=self.openstaand_centen,
            )
        )

    def vraag_terugbetaling(
        self, *, verzoek_id: str, uiterlijk: dt.date, vandaag: dt.date, door: str, nu: dt.datetime
    ) -> Terugbetalingsverzoek:
        """Ask the responsible party to repay what it owes and was not asked for yet."""
        self._mag(Stap.TERUGBETALING_VRAGEN, "nothing owed that was not asked for already")
        assert self.verantwoordelijke is not None and self.toekenning is not None
        if uiterlijk < vandaag:
            raise OngeldigeBoeking("uiterlijk", f"uiterlijk {uiterlijk} is in the past")
        verzoek = Terugbetalingsverzoek(
            verzoek_id=verzoek_id,
            betaler=self.verantwoordelijke.organisatie,
            centen=self.te_vragen_centen,
            uiterlijk=uiterlijk,
            betalingskenmerk=f"OVB-{verzoek_id[:8].upper()}",
            gevraagd_op=nu,
        )
        self.verzoeken.append(verzoek)
        self.registreer(
            Teruggevraagd(
                **self._ids(door, nu), verzoek=verzoek, ontvanger=self.toekenning.voorfinancierder
            )
        )
        return verzoek

    def verzoek(self, verzoek_id: str) -> Terugbetalingsverzoek:
        for verzoek in self.verzoeken:
            if verzoek.verzoek_id == verzoek_id:
                return verzoek
        raise OngeldigeBoeking("verzoek_id", f"no repayment request {verzoek_id} on this bridging")

    def ontvang_terugbetaling(
        self, terugbetaling: Terugbetaling, *, door: str, nu: dt.datetime
    ) -> None:
        """Book a repayment received: against one request, at most what is open on it."""
        if self.verantwoordelijke is None:
            raise OngeldigeBoeking(
                "verzoek_id", "no responsible party is designated yet: nothing can be repaid"
            )
        self._mag(Stap.TERUGBETALING_ONTVANGEN, "no repayment was requested yet")
        geldig_bedrag(terugbetaling.centen)
        verzoek = self.verzoek(terugbetaling.verzoek_id)
        open_ = self.open_van(verzoek)
        if terugbetaling.centen > open_:
            raise OngeldigeBoeking(
                "bedrag_centen",
                f"bedrag {terugbetaling.centen} is more than is open on request "
                f"{verzoek.verzoek_id} ({open_} cents)",
            )
        oin = self.verantwoordelijke.organisatie.oin
        self.grootboek = self.grootboek.ontvang(
            oin, terugbetaling.centen, terugbetaling.terugbetaling_id
        )
        self.terugbetalingen.append(terugbetaling)
        self.registreer(
            Terugontvangen(
                **self._ids(door, nu),
                terugbetaling=terugbetaling,
                betaald_door=self.verantwoordelijke.organisatie,
                openstaand_centen=self.grootboek.openstaand_bij(oin),
            )
        )

    def achterstallig(self, vandaag: dt.date) -> list[tuple[Terugbetalingsverzoek, int]]:
        """Repayment requests past their last day with something still open, and how much."""
        return [
            (v, self.open_van(v))
            for v in self.verzoeken
            if v.uiterlijk < vandaag and self.open_van(v) > 0
        ]


class GelijktijdigGewijzigd(Exception):
    """The bridging changed in another transaction since it was read: this change is not stored
    (the caller tries again on the new state)."""


@dataclass(frozen=True, slots=True)
class Openstaand:
    """What one responsible party owes over all its bridgings."""

    verantwoordelijke: Organisatie
    openstaand_centen: int
    overbruggingen: int


@dataclass(frozen=True, slots=True)
class Terugvordering:
    """A repayment request of a bridging, and what is still open on it."""

    overbrugging_id: str
    casus_id: str
    verzoek: Terugbetalingsverzoek
    open_centen: int


def openstaand_per_verantwoordelijke(overbruggingen: list[Overbrugging]) -> list[Openstaand]:
    """The overview's sums, by OIN (the fake store's way; the SQL store sums the bookings)."""
    per: dict[str, Openstaand] = {}
    for o in overbruggingen:
        if o.verantwoordelijke is None:
            continue
        org = o.verantwoordelijke.organisatie
        vorig = per.get(org.oin, Openstaand(org, 0, 0))
        per[org.oin] = Openstaand(
            org,
            vorig.openstaand_centen + o.grootboek.openstaand_bij(org.oin),
            vorig.overbruggingen + 1,
        )
    return [per[oin] for oin in sorted(per)]
