"""The escalation to the Landelijk Escalatie Team (LET): dossier, meeting, outcome, actions,
knelpunten.

The loket escalates a casus (the casus goes to ``opgeschaald``, ``hub.domain.casus``) and hands
the LET an :class:`Escalatie`: its dossier (summary, question, what was tried, the instruments
the hub has running on the casus, the organisations involved) and whom to invite, each
organisation with the contact it registered in the Landelijk Maatwerkregister at that moment, or
flagged as having none (never left out). The LET's secretary schedules the meeting (again, to
move it), records the outcome (the decision, the party responsible, agreed actions each with an
owner and a deadline) and each action as done; an open action past its deadline is overdue
(:meth:`Actiepunt.is_achterstallig`). Knelpunten (systemic bottlenecks) can be recorded at any
moment of the escalation: the LET collects them to learn across cases.

Lifecycle (``van -> naar``)::

    aangemeld -> gepland           (the meeting is scheduled)
    gepland   -> gepland           (moved: scheduled again)
    gepland   -> afgerond          (the outcome is recorded; final)

Pure Python: no I/O. Organisations, rules and the outcome's words are the contract's
(``schemas.gedeeld``, ``schemas.escalatie``), so the domain and the messages cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from hub.domain.model import Aggregaat, Gebeurtenis
from schemas.casus import Urgentie
from schemas.escalatie import Knelpuntcategorie, Uitkomst
from schemas.gedeeld import Partij, Regel

NL = ZoneInfo("Europe/Amsterdam")
"""The calendar of deadlines and of the month a knelpunt counts in."""


class EscalatieStatus(StrEnum):
    AANGEMELD = "aangemeld"
    GEPLAND = "gepland"
    AFGEROND = "afgerond"


_S = EscalatieStatus

OVERGANGEN: Final[Mapping[EscalatieStatus, tuple[EscalatieStatus, ...]]] = {
    _S.AANGEMELD: (_S.GEPLAND,),
    _S.GEPLAND: (_S.GEPLAND, _S.AFGEROND),
    _S.AFGEROND: (),
}
"""Which status may follow which (the table in the module docstring)."""


class OngeldigeStap(Exception):
    """The escalation's status does not allow the step; names the status and what it allows."""

    def __init__(self, escalatie_id: str, huidig: EscalatieStatus, wat: str) -> None:
        self.huidig = huidig
        self.toegestaan = tuple(s.value for s in OVERGANGEN[huidig])
        allowed = ", ".join(self.toegestaan) or "none (final)"
        super().__init__(f"escalatie {escalatie_id} is {huidig}: {wat}; allowed next: {allowed}")


class OngeldigActiepunt(Exception):
    """An action that does not exist, or is done already. ``bestaat`` tells the two apart."""

    def __init__(self, message: str, *, bestaat: bool) -> None:
        super().__init__(message)
        self.bestaat = bestaat


@dataclass(frozen=True, slots=True)
class Contactpunt:
    """An organisation's registered contact (maatwerkfunctionaris) as it was when invited."""

    team: str
    email: str
    telefoon: str


@dataclass(frozen=True, slots=True)
class Uitnodiging:
    """An organisation to invite: whose administrator (``functie``), and its registered contact,
    None when it has none (flagged in the escalation, never skipped)."""

    partij: Partij
    functie: str
    contact: Contactpunt | None

    @property
    def zonder_contact(self) -> bool:
        return self.contact is None


@dataclass(frozen=True, slots=True)
class Instrumentstand:
    """An instrument on the casus at escalation, as the hub had it (not typed by the loket)."""

    soort: str
    id: str
    status: str
    omschrijving: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    kenmerk: str
    titel: str


@dataclass(frozen=True, slots=True)
class Dossier:
    samenvatting: str
    vraag: str
    geprobeerd: str
    betrokken_partijen: tuple[Partij, ...]
    lopende_instrumenten: tuple[Instrumentstand, ...]
    documenten: tuple[Document, ...] = ()


@dataclass(frozen=True, slots=True)
class Overleg:
    overleg_id: str
    aanvang: dt.datetime
    duur_minuten: int
    locatie: str
    agenda: tuple[str, ...]
    gepland_op: dt.datetime
    gepland_door: str


@dataclass(slots=True)
class Actiepunt:
    """An action agreed in the LET: what, by which organisation, by when."""

    nummer: int
    omschrijving: str
    verantwoordelijke: Partij
    uiterlijk: dt.date
    afgerond_op: dt.datetime | None = None
    toelichting: str | None = None

    def is_achterstallig(self, vandaag: dt.date) -> bool:
        """Open past its deadline (the deadline day itself is still in time)."""
        return self.afgerond_op is None and self.uiterlijk < vandaag


@dataclass(frozen=True, slots=True)
class Besluit:
    uitkomst: Uitkomst
    besluit: str
    verantwoordelijke: Partij | None
    vastgesteld_op: dt.datetime
    vastgesteld_door: str


@dataclass(frozen=True, slots=True)
class Knelpunt:
    """A systemic bottleneck the LET found in this casus."""

    knelpunt_id: str
    categorie: Knelpuntcategorie
    regel: Regel | None
    omschrijving: str
    betrokken_partijen: tuple[Partij, ...]
    voorstel: str | None
    geregistreerd_op: dt.datetime

    @property
    def maand(self) -> str:
        """``YYYY-MM`` in the Netherlands: the month it counts in."""
        return self.geregistreerd_op.astimezone(NL).strftime("%Y-%m")


# ------------------------------------------------------------------------------ domain events


@dataclass(frozen=True, kw_only=True)
class EscalatieGebeurtenis(Gebeurtenis):
    escalatie_id: str
    casus_id: str


@dataclass(frozen=True, kw_only=True)
class Aangemeld(EscalatieGebeurtenis):
    dossier: Dossier
    uitnodigingen: tuple[Uitnodiging, ...]
    urgentie: Urgentie


@dataclass(frozen=True, kw_only=True)
class OverlegGepland(EscalatieGebeurtenis):
    overleg: Overleg
    deelnemers: tuple[Uitnodiging, ...]
    verplaatst: bool
    urgentie: Urgentie


@dataclass(frozen=True, kw_only=True)
class UitkomstVastgesteld(EscalatieGebeurtenis):
    besluit: Besluit
    actiepunten: tuple[Actiepunt, ...]


@dataclass(frozen=True, kw_only=True)
class ActiepuntAfgerond(EscalatieGebeurtenis):
    actiepunt: Actiepunt


@dataclass(frozen=True, kw_only=True)
class KnelpuntGeregistreerd(EscalatieGebeurtenis):
    knelpunt: Knelpunt


# ---------------------------------------------------------------------------------- aggregate


@dataclass(kw_only=True)
class Escalatie(Aggregaat):
    escalatie_id: str
    casus_id: str
    aangemeld_door: str
    aangemeld_op: dt.datetime
    urgentie: Urgentie
    dossier: Dossier
    uitnodigingen: tuple[Uitnodiging, ...]
    status: EscalatieStatus = _S.AANGEMELD
    overleg: Overleg | None = None
    besluit: Besluit | None = None
    actiepunten: list[Actiepunt] = field(default_factory=list)
    knelpunten: list[Knelpunt] = field(default_factory=list)

    @classmethod
    def meld_aan(
        cls,
        *,
        escalatie_id: str,
        casus_id: str,
        dossier: Dossier,
        uitnodigingen: tuple[Uitnodiging, ...],
        urgentie: Urgentie,
        door: str,
        op: dt.datetime,
    ) -> Escalatie:
        """A new escalation. Every invited organisation must be among those involved, and no
        organisation is invited twice (``ValueError`` naming it)."""
        betrokken = {p.oin for p in dossier.betrokken_partijen}
        gezien: set[str] = set()
        for u in uitnodigingen:
            if u.partij.oin not in betrokken:
                raise ValueError(f"{u.partij.oin} is invited but not among the organisations")
            if u.partij.oin in gezien:
                raise ValueError(f"{u.partij.oin} is invited twice")
            gezien.add(u.partij.oin)
        if not uitnodigingen:
            raise ValueError("invite at least one organisation")
        escalatie = cls(
            escalatie_id=escalatie_id,
            casus_id=casus_id,
            aangemeld_door=door,
            aangemeld_op=op,
            urgentie=urgentie,
            dossier=dossier,
            uitnodigingen=uitnodigingen,
        )
        escalatie.registreer(
            Aangemeld(
                door=door,
                op=op,
                escalatie_id=escalatie_id,
                casus_id=casus_id,
                dossier=dossier,
                uitnodigingen=uitnodigingen,
                urgentie=urgentie,
            )
        )
        return escalatie

    @property
    def toegestaan(self) -> tuple[EscalatieStatus, ...]:
        return OVERGANGEN[self.status]

    @property
    def zonder_contact(self) -> tuple[Partij, ...]:
        """The invited organisations with no registered contact."""
        return tuple(u.partij for u in self.uitnodigingen if u.zonder_contact)

    def is_uitgenodigd(self, oin: str) -> bool:
        return any(u.partij.oin == oin for u in self.uitnodigingen)

    def plan_overleg(self, overleg: Overleg, *, door: str, op: dt.datetime) -> None:
        """Schedule the meeting, or move it (scheduled again before the outcome)."""
        self._naar(_S.GEPLAND, "the meeting cannot be scheduled")
        verplaatst = self.overleg is not None
        self.overleg = overleg
        self.registreer(
            OverlegGepland(
                door=door,
                op=op,
                escalatie_id=self.escalatie_id,
                casus_id=self.casus_id,
                overleg=overleg,
                deelnemers=self.uitnodigingen,
                verplaatst=verplaatst,
                urgentie=self.urgentie,
            )
        )

    def stel_uitkomst_vast(
        self, besluit: Besluit, actiepunten: tuple[Actiepunt, ...], *, door: str, op: dt.datetime
    ) -> None:
        """Record the outcome. An ``oplossing`` needs a responsible party; actions are numbered
        from 1 in the order given."""
        if besluit.uitkomst is Uitkomst.OPLOSSING and besluit.verantwoordelijke is None:
            raise ValueError("verantwoordelijke is required when uitkomst is 'oplossing'")
        if [a.nummer for a in actiepunten] != list(range(1, len(actiepunten) + 1)):
            raise ValueError("actions are numbered 1, 2, ... in order")
        self._naar(_S.AFGEROND, "the outcome cannot be recorded")
        self.besluit = besluit
        self.actiepunten = list(actiepunten)
        self.registreer(
            UitkomstVastgesteld(
                door=door,
                op=op,
                escalatie_id=self.escalatie_id,
                casus_id=self.casus_id,
                besluit=besluit,
                actiepunten=actiepunten,
            )
        )

    def rond_actiepunt_af(
        self, nummer: int, *, toelichting: str | None, door: str, op: dt.datetime
    ) -> None:
        actiepunt = next((a for a in self.actiepunten if a.nummer == nummer), None)
        if actiepunt is None:
            raise OngeldigActiepunt(
                f"escalatie {self.escalatie_id} has no action {nummer}", bestaat=False
            )
        if actiepunt.afgerond_op is not None:
            raise OngeldigActiepunt(
                f"action {nummer} was done already on {actiepunt.afgerond_op.isoformat()}",
                bestaat=True,
            )
        actiepunt.afgerond_op = op
        actiepunt.toelichting = toelichting
        self.registreer(
            ActiepuntAfgerond(
                door=door,
                op=op,
                escalatie_id=self.escalatie_id,
                casus_id=self.casus_id,
                actiepunt=Actiepunt(
                    actiepunt.nummer,
                    actiepunt.omschrijving,
                    actiepunt.verantwoordelijke,
                    actiepunt.uiterlijk,
                    op,
                    toelichting,
                ),
            )
        )

    def registreer_knelpunt(self, knelpunt: Knelpunt, *, door: str, op: dt.datetime) -> None:
        """A knelpunt of category ``wetgeving`` names the rule or law involved."""
        if knelpunt.categorie is Knelpuntcategorie.WETGEVING and knelpunt.regel is None:
            raise ValueError("regel is required when categorie is 'wetgeving'")
        self.knelpunten.append(knelpunt)
        self.registreer(
            KnelpuntGeregistreerd(
                door=door,
                op=op,
                escalatie_id=self.escalatie_id,
                casus_id=self.casus_id,
                knelpunt=knelpunt,
            )
        )

    def achterstallig(self, vandaag: dt.date) -> list[Actiepunt]:
        return [a for a in self.actiepunten if a.is_achterstallig(vandaag)]

    def _naar(self, naar: EscalatieStatus, wat: str) -> None:
        if naar not in OVERGANGEN[self.status]:
            raise OngeldigeStap(self.escalatie_id, self.status, wat)
        self.status = naar


# ---------------------------------------------------------------------- asking about knelpunten


@dataclass(frozen=True, slots=True)
class KnelpuntFilter:
    """Which knelpunten: each criterion given narrows (categories: any of them); months are
    ``YYYY-MM`` in the Netherlands, both ends included."""

    categorieen: tuple[Knelpuntcategorie, ...] = ()
    regeling: str | None = None
    oin: str | None = None
    vanaf_maand: str | None = None
    tot_en_met_maand: str | None = None


@dataclass(frozen=True, slots=True)
class Knelpuntregel:
    """A knelpunt with the escalation and casus it was found in."""

    escalatie_id: str
    casus_id: str
    knelpunt: Knelpunt


GEEN_REGELING = "(geen)"
"""The law a knelpunt without a rule counts under."""


@dataclass(frozen=True, slots=True)
class Knelpunttelling:
    """How many knelpunten, per category (every category, 0 included, in the contract's order),
    per law (:data:`GEEN_REGELING` for none; most first) and per month (oldest first; the
    months between without any are 0, see :func:`maanden_van`)."""

    totaal: int
    per_categorie: dict[str, int]
    per_regeling: dict[str, int]
    per_maand: dict[str, int]


def maanden_van(eerste: str, laatste: str) -> list[str]:
    """Every month ``YYYY-MM`` from ``eerste`` to ``laatste``, both included."""
    jaar, maand = int(eerste[:4]), int(eerste[5:7])
    maanden = []
    while f"{jaar:04d}-{maand:02d}" <= laatste:
        maanden.append(f"{jaar:04d}-{maand:02d}")
        jaar, maand = (jaar + 1, 1) if maand == 12 else (jaar, maand + 1)
    return maanden
