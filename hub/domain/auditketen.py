"""The audit trail as a hash chain: each entry holds the hash of the one before it.

An entry's hash is SHA-256 over a canonical serialisation of what it says (sequence, time, actor,
action, casus, details) and of the previous entry's hash. Changing, removing or inserting an entry
anywhere breaks the chain from that point on, so :class:`Controle` finds the first bad entry by
reading the trail once, in order, keeping nothing but the last hash (a store of any size).

The hash is unkeyed: whoever can rewrite the whole trail *and* the chain head can forge a chain
that verifies. What protects against that is writing the head's hash down outside the store
(``maatwerk-hub audit verify`` prints it) and checking later that it is still in the chain.

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""The "previous hash" of the first entry."""


def canonieke_details(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` as they come back from the JSON column (tuples become lists, keys strings):
    the hash is computed over what is stored, not over what the caller happened to pass."""
    loaded: dict[str, Any] = json.loads(_json(details))
    return loaded


def _json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _tijd(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime in the audit trail")
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    sequence: int,
    at: dt.datetime,
    actor: str,
    actie: str,
    casus_id: str | None,
    details: dict[str, Any],
    previous_hash: str,
) -> str:
    """The hash of one entry (hex SHA-256). The serialisation is a JSON array in a fixed order,
    details with sorted keys and no whitespace, time in UTC to the microsecond: the same entry
    gives the same bytes on SQLite and PostgreSQL and in any Python version."""
    canoniek = _json(
        [
            sequence,
            _tijd(at),
            actor,
            actie,
            casus_id,
            canonieke_details(details),
            previous_hash,
        ]
    )
    return hashlib.sha256(canoniek.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Schakel:
    """One entry of the trail as the verification reads it."""

    id: int
    sequence: int
    at: dt.datetime
    actor: str
    actie: str
    casus_id: str | None
    details: dict[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Breuk:
    """The first entry where the chain does not hold, and why."""

    sequence: int
    id: int | None
    reden: str


class Controle:
    """Checks the entries one by one, in order of sequence; :meth:`volgende` returns the first
    break it sees (and keeps returning it), :meth:`einde` checks the last entry against the chain
    head, which catches entries removed from or added to the end."""

    def __init__(self) -> None:
        self.aantal = 0
        self.laatste_hash = GENESIS
        self.breuk: Breuk | None = None

    def volgende(self, schakel: Schakel) -> Breuk | None:
        if self.breuk is not None:
            return self.breuk
        verwacht = self.aantal + 1
        if schakel.sequence != verwacht:
            waarom = (
                "an entry before it is missing"
                if schakel.sequence > verwacht
                else "it repeats a sequence number: an entry was inserted"
            )
            self.breuk = Breuk(
                schakel.sequence, schakel.id, f"expected sequence {verwacht} here; {waarom}"
            )
        elif schakel.previous_hash != self.laatste_hash:
            self.breuk = Breuk(
                schakel.sequence,
                schakel.id,
                "its previous hash is not the hash of the entry before: an entry was removed "
                "or inserted before it",
            )
        elif schakel.hash != entry_hash(
            sequence=schakel.sequence,
            at=schakel.at,
            actor=schakel.actor,
            actie=schakel.actie,
            casus_id=schakel.casus_id,
            details=schakel.details,
            previous_hash=schakel.previous_hash,
        ):
            self.breuk = Breuk(
                schakel.sequence, schakel.id, "its content does not match its hash: it was changed"
            )
        else:
            self.aantal = schakel.sequence
            self.laatste_hash = schakel.hash
        return self.breuk

    def einde(self, head_sequence: int, head_hash: str) -> Breuk | None:
        if self.breuk is not None:
            return self.breuk
        if head_sequence != self.aantal or head_hash != self.laatste_hash:
            self.breuk = Breuk(
                min(head_sequence, self.aantal + 1),
                None,
                f"the chain head says {head_sequence} entries ending in {head_hash[:12]}..., "
                f"the trail has {self.aantal} ending in {self.laatste_hash[:12]}...: entries "
                "were removed from or added to its end",
            )
        return self.breuk
