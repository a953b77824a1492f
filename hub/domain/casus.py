"""The casus: the loket's intake of a stuck case, and its lifecycle.

A :class:`Casus` owns its transitions. Each method checks :data:`OVERGANGEN` (and, for closing,
:data:`SLUITINGSREDENEN`), moves the status, appends a :class:`Transitie` to the history and
records a domain event; the message bus (``hub.service.berichten.casus``) turns that event into
the contract's ``casus.*`` message and an audit entry. The tables below are the only place the
lifecycle rules live.

Transition table (``van -> naar``)::

    ingediend       -> geaccepteerd | afgewezen | gesloten
    geaccepteerd    -> in_behandeling | gesloten
    afgewezen       -> gesloten
    in_behandeling  -> opgeschaald | opgelost | gesloten
    opgeschaald     -> in_behandeling | opgelost | gesloten
    opgelost        -> gesloten
    gesloten        (final)

Closing reasons (``Sluitingsreden``) per state: ``afgewezen`` closes only a refused casus and
``opgelost`` only a solved one; ``ingetrokken`` (withdrawn) and ``overgedragen`` (handed back to
regular care) close any open casus; ``geen-oplossing`` needs the loket to have worked on the casus,
so only from ``in_behandeling`` or ``opgeschaald``.

Why these choices: a casus is judged before it is handled (``geaccepteerd`` before
``in_behandeling``), so the loket cannot escalate or solve what it has not taken on. The LET hands
a casus back to the loket (``opgeschaald -> in_behandeling``) or its decision solves it
(``opgeschaald -> opgelost``). A refused or solved casus only closes: reopening one is a new
submission, which keeps the history of each casus linear. ``gesloten`` is final: the contract
promises no further messages for a closed casus.

Pure Python: no I/O. The status words are the contract's vocabulary (``schemas.casus``), reused
here so the domain and the messages cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Final, Self

from hub.domain.model import Aggregaat, Gebeurtenis
from schemas.casus import (
    Afwijzingsreden,
    Instrument,
    Probleemdomein,
    Sluitingsreden,
    Urgentie,
)
from schemas.organisaties import Uitvoerder, per_gemeente

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CasusStatus(StrEnum):
    INGEDIEND = "ingediend"
    GEACCEPTEERD = "geaccepteerd"
    AFGEWEZEN = "afgewezen"
    IN_BEHANDELING = "in_behandeling"
    OPGESCHAALD = "opgeschaald"
    OPGELOST = "opgelost"
    GESLOTEN = "gesloten"


_S = CasusStatus

OVERGANGEN: Final[Mapping[CasusStatus, tuple[CasusStatus, ...]]] = {
    _S.INGEDIEND: (_S.GEACCEPTEERD, _S.AFGEWEZEN, _S.GESLOTEN),
    _S.GEACCEPTEERD: (_S.IN_BEHANDELING, _S.GESLOTEN),
    _S.AFGEWEZEN: (_S.GESLOTEN,),
    _S.IN_BEHANDELING: (_S.OPGESCHAALD, _S.OPGELOST, _S.GESLOTEN),
    _S.OPGESCHAALD: (_S.IN_BEHANDELING, _S.OPGELOST, _S.GESLOTEN),
    _S.OPGELOST: (_S.GESLOTEN,),
    _S.GESLOTEN: (),
}
"""Which status may follow which (the table in the module docstring)."""

_OPEN = (Sluitingsreden.INGETROKKEN, Sluitingsreden.OVERGEDRAGEN)
_BEHANDELD = (*_OPEN, Sluitingsreden.GEEN_OPLOSSING)

SLUITINGSREDENEN: Final[Mapping[CasusStatus, tuple[Sluitingsreden, ...]]] = {
    _S.INGEDIEND: _OPEN,
    _S.GEACCEPTEERD: _OPEN,
    _S.AFGEWEZEN: (Sluitingsreden.AFGEWEZEN,),
    _S.IN_BEHANDELING: _BEHANDELD,
    _S.OPGESCHAALD: _BEHANDELD,
    _S.OPGELOST: (Sluitingsreden.OPGELOST,),
}
"""For each status from which a casus may close: the reasons it may close with."""

if {van for van, naar in OVERGANGEN.items() if _S.GESLOTEN in naar} != set(SLUITINGSREDENEN):
    raise RuntimeError("OVERGANGEN and SLUITINGSREDENEN disagree on which states may close")


def nieuw_casus_id(now: dt.datetime) -> str:
    """``MWL-<year>-<10 random Crockford base32 characters>`` (50 bits of randomness)."""
    suffix = "".join(secrets.choice(_CROCKFORD) for _ in range(10))
    return f"MWL-{now.year:04d}-{suffix}"


@dataclass(frozen=True, slots=True)
class Lid:
    """A household member as the hub keeps it: its pseudonym in this casus, the BSN sealed at
    rest, and the hub's lookup key for the BSN.

    ``pseudoniem`` differs per casus (``HubSecrets.pseudoniem``); it is what leaves the hub.
    ``bsn_zoeksleutel`` is the same in every casus, for the hub's own look-ups across casussen,
    and never leaves the hub (not in ``repr`` either). None for a member stored before revision
    0009 whose BSN the hub could not open to compute it (``vul_zoeksleutels_aan``)."""

    pseudoniem: str
    rol: str
    bsn_opgeslagen: str
    bsn_zoeksleutel: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Maatwerkfunctionaris:
    """The submitting organisation's contact point for this casus."""

    naam: str
    email: str
    telefoon: str | None = None


@dataclass(frozen=True, slots=True)
class Transitie:
    """One step in the history of a casus. ``van`` is None for the submission itself."""

    van: CasusStatus | None
    naar: CasusStatus
    op: dt.datetime
    door: str
    details: Mapping[str, Any] = field(default_factory=dict)
    """What the step carried (reason codes, team, escalation id...), JSON-safe; never a BSN."""


class OngeldigeTransitie(Exception):
    """The casus's status does not allow what was asked. Names the current and allowed options,
    so the loket can see what it can do instead."""

    def __init__(
        self,
        casus_id: str,
        huidig: CasusStatus,
        naar: CasusStatus,
        *,
        redencode: Sluitingsreden | None = None,
    ) -> None:
        self.casus_id = casus_id
        self.huidig = huidig
        self.naar = naar
        self.redencode = redencode
        if redencode is None:
            self.toegestaan: tuple[str, ...] = tuple(OVERGANGEN[huidig])
            self.field: str | None = None
            wat = f"it cannot become {naar}"
        else:
            self.toegestaan = tuple(SLUITINGSREDENEN.get(huidig, ()))
            self.field = "redencode"
            wat = f"it cannot be closed as {redencode}"
        allowed = ", ".join(self.toegestaan) or "none"
        super().__init__(f"casus {casus_id} is {huidig}: {wat}; allowed: {allowed}")


# ------------------------------------------------------------------------------ domain events


@dataclass(frozen=True, kw_only=True)
class CasusGebeurtenis(Gebeurtenis):
    """A step in a casus's lifecycle; ``naar`` is the status it led to."""

    naar: ClassVar[CasusStatus]
    casus_id: str
    van: CasusStatus | None = None
    """The status before this step; None for the submission."""


@dataclass(frozen=True, kw_only=True)
class Ingediend(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.INGEDIEND
    indiener_oin: str
    maatwerkfunctionaris: Maatwerkfunctionaris
    leden: tuple[Lid, ...]
    probleemdomeinen: tuple[Probleemdomein, ...]
    betrokken_organisaties: tuple[Uitvoerder, ...]
    geprobeerd: str
    urgentie: Urgentie
    gevraagde_instrumenten: tuple[Instrument, ...]
    woongemeente: str | None = None


@dataclass(frozen=True, kw_only=True)
class Geaccepteerd(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.GEACCEPTEERD
    toelichting: str | None


@dataclass(frozen=True, kw_only=True)
class Afgewezen(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.AFGEWEZEN
    redencode: Afwijzingsreden
    reden: str
    advies: str | None


@dataclass(frozen=True, kw_only=True)
class InBehandelingGenomen(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.IN_BEHANDELING
    behandelteam: str


@dataclass(frozen=True, kw_only=True)
class Opgeschaald(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.OPGESCHAALD
    escalatie_id: str
    reden: str


@dataclass(frozen=True, kw_only=True)
class Opgelost(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.OPGELOST
    oplossing: str
    ingezette_instrumenten: tuple[Instrument, ...]


@dataclass(frozen=True, kw_only=True)
class Gesloten(CasusGebeurtenis):
    naar: ClassVar[CasusStatus] = _S.GESLOTEN
    redencode: Sluitingsreden
    toelichting: str | None


# ---------------------------------------------------------------------------------- aggregate


ZONDER_WOONGEMEENTE: Final = (
    "casus has no woongemeente: an instruction for gemeente goes to the household's "
    "municipality of residence; submit the casus with woongemeente (its OIN)"
)
"""Why an instrument for gemeente cannot go out for a casus without a woongemeente."""


@dataclass(kw_only=True)
class Casus(Aggregaat):
    """A casus at the loket: what was submitted, where it is, and how it got there."""

    casus_id: str
    indiener_oin: str
    maatwerkfunctionaris: Maatwerkfunctionaris
    leden: tuple[Lid, ...]
    probleemdomeinen: tuple[Probleemdomein, ...]
    betrokken_organisaties: tuple[Uitvoerder, ...]
    geprobeerd: str
    urgentie: Urgentie
    gevraagde_instrumenten: tuple[Instrument, ...]
    ingediend_op: dt.datetime
    woongemeente: str | None = None
    """OIN of the household's municipality of residence (instruments for gemeente go there)."""
    status: CasusStatus = _S.INGEDIEND
    transities: list[Transitie] = field(default_factory=list)
    """The history, oldest first; the first step is the submission."""

    @classmethod
    def dien_in(
        cls,
        *,
        casus_id: str,
        indiener_oin: str,
        maatwerkfunctionaris: Maatwerkfunctionaris,
        leden: tuple[Lid, ...],
        probleemdomeinen: tuple[Probleemdomein, ...],
        betrokken_organisaties: tuple[Uitvoerder, ...],
        geprobeerd: str,
        urgentie: Urgentie,
        gevraagde_instrumenten: tuple[Instrument, ...],
        door: str,
        op: dt.datetime,
        woongemeente: str | None = None,
    ) -> Self:
        """A new casus, ``ingediend``; records :class:`Ingediend`."""
        casus = cls(
            casus_id=casus_id,
            indiener_oin=indiener_oin,
            maatwerkfunctionaris=maatwerkfunctionaris,
            leden=leden,
            probleemdomeinen=probleemdomeinen,
            betrokken_organisaties=betrokken_organisaties,
            geprobeerd=geprobeerd,
            urgentie=urgentie,
            gevraagde_instrumenten=gevraagde_instrumenten,
            ingediend_op=op,
            woongemeente=woongemeente,
        )
        casus.transities.append(Transitie(None, _S.INGEDIEND, op, door))
        casus.registreer(
            Ingediend(
                door=door,
                op=op,
                casus_id=casus_id,
                indiener_oin=indiener_oin,
                maatwerkfunctionaris=maatwerkfunctionaris,
                leden=leden,
                probleemdomeinen=probleemdomeinen,
                betrokken_organisaties=betrokken_organisaties,
                geprobeerd=geprobeerd,
                urgentie=urgentie,
                gevraagde_instrumenten=gevraagde_instrumenten,
                woongemeente=woongemeente,
            )
        )
        return casus

    def gemeente_voor(self, uitvoerder: str) -> str | None:
        """Which municipality an instrument for ``uitvoerder`` reaches: the woongemeente for an
        agency that serves many municipalities through one connector (it routes by it, e.g.
        gemeente), None otherwise."""
        return self.woongemeente if per_gemeente(uitvoerder) else None

    def bereikbaar(self, uitvoerder: str) -> bool:
        """Whether an instruction for ``uitvoerder`` can be routed: an agency that serves many
        municipalities needs the household's municipality of residence."""
        return not per_gemeente(uitvoerder) or self.woongemeente is not None

    @property
    def toegestaan(self) -> tuple[CasusStatus, ...]:
        """The statuses this casus may go to next."""
        return OVERGANGEN[self.status]

    def accepteer(self, *, door: str, op: dt.datetime, toelichting: str | None = None) -> None:
        van = self._naar(_S.GEACCEPTEERD, door, op, {"toelichting": toelichting})
        self.registreer(
            Geaccepteerd(door=door, op=op, casus_id=self.casus_id, van=van, toelichting=toelichting)
        )

    def wijs_af(
        self,
        *,
        door: str,
        op: dt.datetime,
        redencode: Afwijzingsreden,
        reden: str,
        advies: str | None = None,
    ) -> None:
        details = {"redencode": redencode.value, "reden": reden, "advies": advies}
        van = self._naar(_S.AFGEWEZEN, door, op, details)
        self.registreer(
            Afgewezen(
                door=door,
                op=op,
                casus_id=self.casus_id,
                van=van,
                redencode=redencode,
                reden=reden,
                advies=advies,
            )
        )

    def neem_in_behandeling(self, *, door: str, op: dt.datetime, behandelteam: str) -> None:
        van = self._naar(_S.IN_BEHANDELING, door, op, {"behandelteam": behandelteam})
        self.registreer(
            InBehandelingGenomen(
                door=door, op=op, casus_id=self.casus_id, van=van, behandelteam=behandelteam
            )
        )

    def schaal_op(self, *, door: str, op: dt.datetime, escalatie_id: str, reden: str) -> None:
        """Escalate to the LET. The escalation's id comes from the caller: the aggregate
        generates nothing, so the same call always has the same outcome."""
        van = self._naar(_S.OPGESCHAALD, door, op, {"escalatie_id": escalatie_id, "reden": reden})
        self.registreer(
            Opgeschaald(
                door=door,
                op=op,
                casus_id=self.casus_id,
                van=van,
                escalatie_id=escalatie_id,
                reden=reden,
            )
        )

    def los_op(
        self,
        *,
        door: str,
        op: dt.datetime,
        oplossing: str,
        ingezette_instrumenten: tuple[Instrument, ...] = (),
    ) -> None:
        details = {
            "oplossing": oplossing,
            "ingezette_instrumenten": [i.value for i in ingezette_instrumenten],
        }
        van = self._naar(_S.OPGELOST, door, op, details)
        self.registreer(
            Opgelost(
                door=door,
                op=op,
                casus_id=self.casus_id,
                van=van,
                oplossing=oplossing,
                ingezette_instrumenten=ingezette_instrumenten,
            )
        )

    def sluit(
        self,
        *,
        door: str,
        op: dt.datetime,
        redencode: Sluitingsreden,
        toelichting: str | None = None,
    ) -> None:
        """Close. A status that cannot close at all is refused by :meth:`_naar` like any other
        step (naming the statuses that may follow); one that can must also fit the reason."""
        if _S.GESLOTEN in OVERGANGEN[self.status] and redencode not in SLUITINGSREDENEN.get(
            self.status, ()
        ):
            raise OngeldigeTransitie(self.casus_id, self.status, _S.GESLOTEN, redencode=redencode)
        details = {"redencode": redencode.value, "toelichting": toelichting}
        van = self._naar(_S.GESLOTEN, door, op, details)
        self.registreer(
            Gesloten(
                door=door,
                op=op,
                casus_id=self.casus_id,
                van=van,
                redencode=redencode,
                toelichting=toelichting,
            )
        )

    def _naar(
        self, naar: CasusStatus, door: str, op: dt.datetime, details: dict[str, Any]
    ) -> CasusStatus:
        """Check the table, then move and write the step into the history. Returns the status
        the casus came from."""
        van = self.status
        if naar not in OVERGANGEN[van]:
            raise OngeldigeTransitie(self.casus_id, van, naar)
        self.transities.append(Transitie(van, naar, op, door, details))
        self.status = naar
        return van
