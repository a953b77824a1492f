"""Deadline signals of a time-out: a chain link that runs late, a time-out about to end.

The hub watches the deadlines itself (its periodic job, on the leading replica) and tells the
people who can act, whom the Landelijk Maatwerkregister names:

- a request (of the order, an extension or a lifting) still unanswered past its answer deadline
  (:func:`hub.domain.verzoek.is_laat`) is escalated to its agency's maatwerkfunctionaris, once
  (``Verzoek.geescaleerd_op``): :class:`AntwoordtermijnVerstreken`;
- a running time-out whose last day is at most ``dagen`` days away warns the loket and every
  agency that applied it, once per end date (``Opschorting.einde_gewaarschuwd_voor``: an
  extension moves the end, and its new end is warned of again): :class:`EindeNadert`.

An agency without a registered contact is still signalled: the event carries ``contact`` None,
which the message, the audit entry and the loket's views show as the gap it is.

Pure Python: no I/O. The service layer (``hub.service.signalering``) loads the time-out with its
lock, looks the contacts up in the register and saves what these functions marked; the marks
and the messages commit together, so a restart or a second replica never signals twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from hub.domain.model import Gebeurtenis
from hub.domain.opschorting import NL, Opschorting
from hub.domain.register import Contact
from hub.domain.verzoek import Verzoek, VerzoekSoort, VerzoekStatus


@dataclass(frozen=True, slots=True)
class Ketenpartij:
    """An agency in a time-out, and its registered contact (None: it has none)."""

    uitvoerder: str
    contact: Contact | None


@dataclass(frozen=True, kw_only=True)
class AntwoordtermijnVerstreken(Gebeurtenis):
    """An agency left a request of a time-out unanswered past its deadline: escalated."""

    opschorting_id: str
    casus_id: str
    keten_id: str
    soort: VerzoekSoort
    instructie_id: str
    uitvoerder: str
    reageer_uiterlijk: dt.datetime
    onbestelbaar: bool
    contact: Contact | None


@dataclass(frozen=True, kw_only=True)
class EindeNadert(Gebeurtenis):
    """A running time-out ends within the warning period."""

    opschorting_id: str
    casus_id: str
    einddatum: dt.date
    dagen_resterend: int
    uitvoerders: tuple[Ketenpartij, ...]


def te_escaleren(opschorting: Opschorting, nu: dt.datetime) -> list[Verzoek]:
    """The requests of the time-out (order and changes) late now and not escalated yet."""
    return [v for v in opschorting.verzoeken() if v.is_late(nu) and v.geescaleerd_op is None]


def escaleer(
    opschorting: Opschorting, nu: dt.datetime, contacten: Mapping[str, Contact], *, door: str
) -> list[Verzoek]:
    """Escalate every late request not escalated before (``contacten``: by agency code, the
    registered ones); returns them."""
    late = te_escaleren(opschorting, nu)
    for verzoek in late:
        verzoek.geescaleerd_op = nu
        opschorting.registreer(
            AntwoordtermijnVerstreken(
                door=door,
                op=nu,
                opschorting_id=opschorting.opschorting_id,
                casus_id=opschorting.casus_id,
                keten_id=verzoek.keten_id,
                soort=verzoek.soort,
                instructie_id=verzoek.instructie_id,
                uitvoerder=verzoek.uitvoerder,
                reageer_uiterlijk=verzoek.reageer_uiterlijk,
                onbestelbaar=verzoek.status is VerzoekStatus.UNDELIVERABLE,
                contact=contacten.get(verzoek.uitvoerder),
            )
        )
    return late


def dagen_tot_einde(opschorting: Opschorting, nu: dt.datetime) -> int:
    """Days from today in the Netherlands to the time-out's last day (0 on that day)."""
    return (opschorting.einddatum - nu.astimezone(NL).date()).days


def moet_waarschuwen(opschorting: Opschorting, nu: dt.datetime, dagen: int) -> bool:
    """Running, its last day at most ``dagen`` days away and not passed, and not warned of this
    end date yet."""
    resterend = dagen_tot_einde(opschorting, nu)
    return (
        opschorting.lopend
        and 0 <= resterend <= dagen
        and opschorting.einde_gewaarschuwd_voor != opschorting.einddatum
    )


def waarschuw_einde(
    opschorting: Opschorting,
    nu: dt.datetime,
    dagen: int,
    contacten: Mapping[str, Contact],
    *,
    door: str,
) -> bool:
    """Warn that the time-out ends soon, once per end date; the agencies warned are those that
    did not refuse it. True when it warned now."""
    if not moet_waarschuwen(opschorting, nu, dagen):
        return False
    opschorting.einde_gewaarschuwd_voor = opschorting.einddatum
    opschorting.registreer(
        EindeNadert(
            door=door,
            op=nu,
            opschorting_id=opschorting.opschorting_id,
            casus_id=opschorting.casus_id,
            einddatum=opschorting.einddatum,
            dagen_resterend=dagen_tot_einde(opschorting, nu),
            uitvoerders=tuple(
                Ketenpartij(v.uitvoerder, contacten.get(v.uitvoerder))
                for v in opschorting.ontvangers_van_wijziging()
            ),
        )
    )
    return True
