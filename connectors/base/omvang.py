"""The size guard on answers: an answer that would not fit on its topic is made smaller, or set
aside, instead of being retried forever.

The NL GOV CloudEvents profile guarantees messages up to 64 KB (:data:`MAX_ANTWOORD`); the hub's
API keeps an order to at most 200 claims per agency, but an agency may report more claims than it
was sent (``vorderingen`` omitted means all of the household's). :func:`zonder_detail` keeps the
decision and every claim that was *not* suspended (with its reason code) and drops what the hub
can do without: the entries of suspended claims and the agency's notes per claim.

An information answer (``InformatieVerstrekt``) has no such detail: every ``Gegeven`` is content
asked for, and a debt overview missing a claim would be wrong without anyone noticing. It is never
trimmed: :func:`zonder_detail` leaves it alone, so one that does not fit is dead-lettered
``antwoord-te-groot`` (and reported to the hub). A sealed claim takes about 520 bytes: some 125
claims of one person at one agency fit.
"""

from __future__ import annotations

from typing import Any

from schemas import EventData
from schemas.opschorting import VorderingResultaat

MAX_ANTWOORD = 64 * 1024
"""Largest encoded answer (bytes) the connector publishes: the profile's 64 KB."""


def past(body: bytes) -> bool:
    return len(body) <= MAX_ANTWOORD


def zonder_detail(antwoord: EventData) -> EventData | None:
    """``antwoord`` without per-claim detail that is not required, or None when it has none to
    drop (it cannot be made smaller)."""
    vorderingen: Any = getattr(antwoord, "vorderingen", None)
    if not isinstance(vorderingen, tuple) or not vorderingen:
        return None
    if not all(isinstance(v, VorderingResultaat) for v in vorderingen):
        return None
    geweigerd = tuple(
        VorderingResultaat(vordering=v.vordering, opgeschort=False, redencode=v.redencode)
        for v in vorderingen
        if not v.opgeschort
    )
    if geweigerd == vorderingen:
        return None
    return type(antwoord).model_validate({**dict(antwoord), "vorderingen": geweigerd})
