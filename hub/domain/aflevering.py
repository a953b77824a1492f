"""HTTPS delivery for organisations without Kafka: who may get which message, and what a
webhook receiver's answer means. Plain Python, no I/O.

A party gets over HTTPS exactly the messages addressed to it, never another party's:

- every message on a topic the hub writes for one organisation alone (an agency's instruction,
  information-request and signal topics: its only reader besides the hub is that organisation);
- a message that names it as the one to act: a repayment request to the responsible party
  (``betaler``), a LET meeting to the organisations invited (``deelnemers``).

What a receiver's answer means follows the NL GOV CloudEvents webhook guideline: 200, 201, 202
and 204 are delivered; 410 says the target is gone (the subscription ends); 429 asks to come
back after ``Retry-After``; 415 says the format will never be taken (no retry helps); anything
else, and no answer, is tried again by backoff until the attempts run out.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from schemas.topics import Topic, catalogue

GEADRESSEERD: Mapping[str, Callable[[Any], tuple[str, ...]]] = {
    "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1": lambda d: (d.betaler.oin,),
    "nl.maatwerk.escalatie.overleg-gepland.v1": lambda d: tuple(b.partij.oin for b in d.deelnemers),
}
"""Message types on a shared topic that name their addressees: the OINs read from the data."""

AFGELEVERD = frozenset({200, 201, 202, 204})
"""The answers that mean delivered (the webhook guideline's list)."""

RETRY_AFTER_MAX = dt.timedelta(hours=1)
"""A receiver cannot put a message off for longer than this per attempt."""


def eigen_topics(code: str, topics: tuple[Topic, ...] | None = None) -> tuple[Topic, ...]:
    """The topics the hub writes for ``code`` alone: its instructions, requests and signals."""
    return tuple(
        t
        for t in (catalogue() if topics is None else topics)
        if t.producers == ("hub",) and _enige_lezer(t) == code
    )


def _enige_lezer(topic: Topic) -> str | None:
    lezers = set(topic.consumers) - {"hub"}
    return lezers.pop() if len(lezers) == 1 else None


def ontvangbare_types(code: str | None) -> frozenset[str]:
    """The message types an organisation may subscribe to: those of its own topics (when it is
    an agency, ``code``) and those that name their addressee."""
    eigen = {m for t in eigen_topics(code) for m in t.message_types} if code else set()
    return frozenset(eigen | set(GEADRESSEERD))


def geadresseerden(
    event_type: str, data: Any, topic: str, oin_van: Callable[[str], str | None]
) -> frozenset[str]:
    """The OINs a message on ``topic`` is addressed to (empty: to no single party).

    ``oin_van`` gives the OIN of an organisation code (``None``: not known)."""
    found: set[str] = set()
    lezer = next((_enige_lezer(t) for t in catalogue() if t.name == topic), None)
    if lezer is not None and (oin := oin_van(lezer)) is not None:
        found.add(oin)
    lees = GEADRESSEERD.get(event_type)
    if lees is not None:
        found.update(lees(data))
    return frozenset(found)


class Uitkomst(StrEnum):
    """What became of one push attempt."""

    AFGELEVERD = "afgeleverd"
    OPNIEUW = "opnieuw"
    """Try again later (backoff, or the receiver's ``Retry-After``)."""
    BEEINDIGD = "beeindigd"
    """410: the receiver retired this target; the subscription ends."""
    ONBESTELBAAR = "onbestelbaar"
    """415: the receiver will never take this format; dead at once."""


@dataclass(frozen=True, slots=True)
class Poging:
    """One push attempt's outcome, and the receiver's wish for the next (429)."""

    uitkomst: Uitkomst
    wacht: dt.timedelta | None = None


def beoordeel(status: int | None, retry_after: str | None, now: dt.datetime) -> Poging:
    """What a receiver's HTTP status (``None``: no answer at all) means for the delivery."""
    if status in AFGELEVERD:
        return Poging(Uitkomst.AFGELEVERD)
    if status == 410:
        return Poging(Uitkomst.BEEINDIGD)
    if status == 415:
        return Poging(Uitkomst.ONBESTELBAAR)
    if status == 429:
        return Poging(Uitkomst.OPNIEUW, lees_retry_after(retry_after, now))
    return Poging(Uitkomst.OPNIEUW)


def lees_retry_after(value: str | None, now: dt.datetime) -> dt.timedelta | None:
    """``Retry-After`` as a wait (RFC 9110: delay-seconds or an HTTP-date), at most
    :data:`RETRY_AFTER_MAX`; ``None`` when absent or unreadable (then the backoff decides)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        wait = dt.timedelta(seconds=int(text))
    else:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        wait = max(when - now, dt.timedelta(0))
    return min(wait, RETRY_AFTER_MAX)


def volgende_poging(
    poging: Poging, backoff: dt.timedelta, pogingen: int, max_pogingen: int
) -> dt.timedelta | None:
    """The wait before the next attempt, or ``None`` when this delivery is dead (attempts ran
    out, or the format is refused). A receiver's ``Retry-After`` is honoured when it asks for
    longer than the backoff would wait."""
    if poging.uitkomst is Uitkomst.ONBESTELBAAR or pogingen >= max_pogingen:
        return None
    if poging.wacht is not None:
        return max(poging.wacht, backoff)
    return backoff
