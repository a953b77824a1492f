"""The agency request (verzoek): one instruction from the hub to one agency, and its answer.

Every instrument that asks something of the agencies (the time-out order, its extension and its
lifting; the information request) does so through requests of this one shape, kept in one
table. The requests that go out together form a chain (``keten``, grouped by ``keten_id``); the
chain's status follows from its requests by one rule, :func:`keten_status`, which the API, the
operators' overview and the metrics all use.

Pure Python: no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class VerzoekSoort(StrEnum):
    """What a request asks; each kind belongs to one instrument."""

    OPSCHORTING = "opschorting"
    """Suspend collection (the time-out order)."""
    VERLENGING = "verlenging"
    """Keep a suspension in place for longer."""
    OPHEFFING = "opheffing"
    """End a suspension early."""
    INFORMATIE = "informatie"
    """Give information of the categories asked about one person (an information request)."""
    UITNODIGING = "uitnodiging"
    """Take part in an escalation to the LET (``hub.service.deelname``)."""
    TERUGBETALING = "terugbetaling"
    """Repay the pre-financing of a bridging procedure (``hub.service.deelname``)."""


class VerzoekStatus(StrEnum):
    """Where one agency is with one request. The contract's answer types map onto these:
    ``bevestigd`` -> ``confirmed``, ``deels-bevestigd`` -> ``partially_confirmed``,
    ``geweigerd`` -> ``refused``. ``undeliverable``: no answer yet, and the instruction could not
    be delivered to the agency's back-office (a connector's ``aflevering.mislukt`` report, or the
    hub's outbox gave up on it); it counts as unanswered, and an answer that comes later (after a
    retry or a replay) takes its place."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    PARTIALLY_CONFIRMED = "partially_confirmed"
    REFUSED = "refused"
    UNDELIVERABLE = "undeliverable"


ONBEANTWOORD = frozenset({VerzoekStatus.PENDING, VerzoekStatus.UNDELIVERABLE})
"""The statuses of a request the agency has not answered (yet)."""


class KetenStatus(StrEnum):
    """Where a whole chain is."""

    PENDING = "pending"
    """At least one agency has not answered (its request pending or undeliverable)."""
    CONFIRMED = "confirmed"
    """Every agency did everything asked."""
    INCOMPLETE = "incomplete"
    """Every agency answered, but not all did everything asked."""


@dataclass(frozen=True, slots=True)
class VorderingUitkomst:
    """The agency's answer for one of its claims."""

    vordering: str
    opgeschort: bool
    redencode: str | None = None
    toelichting: str | None = None


@dataclass(frozen=True, slots=True)
class Uitkomst:
    """An agency's answer as the domain sees it."""

    instructie_id: str
    status: VerzoekStatus
    beantwoord_op: dt.datetime
    referentie: str | None = None
    redencode: str | None = None
    reden: str | None = None
    vorderingen: tuple[VorderingUitkomst, ...] = ()


@dataclass(frozen=True, slots=True)
class MisluktAflevering:
    """Why a request could not be delivered to the agency's back-office (yet)."""

    redencode: str
    """``schemas.aflevering.AfleveringReden`` from a connector; ``publicatie-opgegeven`` when the
    hub's own outbox gave up on the instruction."""
    toelichting: str
    definitief: bool
    """True: set aside, it waits for an operator; False: still being retried."""
    sinds: dt.datetime
    """When the request was first reported undeliverable (kept over later reports)."""


class OnverwachtAntwoord(ValueError):
    """An answer that does not belong to the request it names."""


def is_laat(status: VerzoekStatus, reageer_uiterlijk: dt.datetime, now: dt.datetime) -> bool:
    """The one rule for lateness: still unanswered (pending or undeliverable) past the answer
    deadline."""
    return status in ONBEANTWOORD and now > reageer_uiterlijk


@dataclass(slots=True)
class Verzoek:
    """One request to one agency: what was asked, by when, and what the agency answered."""

    instructie_id: str
    """Event id of the instruction: the key the agency's answer names."""
    soort: VerzoekSoort
    keten_id: str
    """The chain this request is part of (the order's id, or the change's)."""
    instrument_id: str
    """The instrument that owns the request (the time-out's id)."""
    casus_id: str
    uitvoerder: str
    reageer_uiterlijk: dt.datetime
    vorderingen_in_scope: tuple[str, ...] | None = None
    """The agency's claims the request covers; ``None``: all claims of the household."""
    personen_in_scope: tuple[str, ...] | None = None
    """The household members (pseudonyms) the request names to the agency; ``None``: the whole
    household."""
    status: VerzoekStatus = VerzoekStatus.PENDING
    referentie: str | None = None
    redencode: str | None = None
    reden: str | None = None
    vorderingen: tuple[VorderingUitkomst, ...] = ()
    beantwoord_op: dt.datetime | None = None
    verwerkt_op: dt.datetime | None = None
    """When the hub recorded the answer."""
    pogingen: int = 1
    """How often the hub sent the instruction."""
    aflevering: MisluktAflevering | None = None
    """Set while the request is ``undeliverable``: why."""
    geescaleerd_op: dt.datetime | None = None
    """When the hub escalated it, unanswered past its deadline, to the agency's
    maatwerkfunctionaris (``hub.domain.signalering``); once."""

    def is_late(self, now: dt.datetime) -> bool:
        return is_laat(self.status, self.reageer_uiterlijk, now)

    def meld_onbestelbaar(self, melding: MisluktAflevering) -> bool:
        """The instruction could not be delivered: the request becomes ``undeliverable`` with
        the reason. Only an unanswered request changes (an answer given stays); a later report
        replaces the reason, and the request stays undeliverable since the first one. Returns
        False when nothing changes."""
        if self.status not in ONBEANTWOORD:
            return False
        eerder = self.aflevering
        nieuw = dataclasses.replace(melding, sinds=eerder.sinds) if eerder else melding
        if self.status is VerzoekStatus.UNDELIVERABLE and eerder == nieuw:
            return False
        self.status = VerzoekStatus.UNDELIVERABLE
        self.aflevering = nieuw
        return True

    def verwerk(self, uitkomst: Uitkomst, nu: dt.datetime) -> bool:
        """Apply the agency's answer. Returns False when it changes nothing (already answered:
        the first answer wins)."""
        if uitkomst.instructie_id != self.instructie_id:
            raise OnverwachtAntwoord(
                f"answer for instruction {uitkomst.instructie_id} does not match "
                f"{self.uitvoerder}'s instruction {self.instructie_id}"
            )
        if uitkomst.status in ONBEANTWOORD:
            raise OnverwachtAntwoord(f"an answer cannot make a request {uitkomst.status.value}")
        if self.status not in ONBEANTWOORD:
            return False
        self.aflevering = None
        self.status = uitkomst.status
        self.referentie = uitkomst.referentie
        self.redencode = uitkomst.redencode
        self.reden = uitkomst.reden
        self.vorderingen = uitkomst.vorderingen
        self.beantwoord_op = uitkomst.beantwoord_op
        self.verwerkt_op = nu
        return True


def keten_status(statussen: Iterable[VerzoekStatus]) -> KetenStatus:
    """The one chain-status rule: pending while any agency has not answered (pending or
    undeliverable), else confirmed when every agency confirmed, else incomplete."""
    alle = list(statussen)
    if any(s in ONBEANTWOORD for s in alle):
        return KetenStatus.PENDING
    if all(s is VerzoekStatus.CONFIRMED for s in alle):
        return KetenStatus.CONFIRMED
    return KetenStatus.INCOMPLETE


def keten_compleet_op(keten: list[Verzoek]) -> dt.datetime | None:
    """When the hub recorded the last answer; None while any agency is pending."""
    if not keten or keten_status(v.status for v in keten) is KetenStatus.PENDING:
        return None
    return max(v.verwerkt_op for v in keten if v.verwerkt_op is not None)


def keten_telling(keten: list[Verzoek], now: dt.datetime | None = None) -> dict[str, int]:
    """Requests per status; with ``now`` also how many are ``late``."""
    counts = {s.value: 0 for s in VerzoekStatus}
    for verzoek in keten:
        counts[verzoek.status.value] += 1
    if now is not None:
        counts["late"] = sum(1 for v in keten if v.is_late(now))
    return counts
