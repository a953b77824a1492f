"""The audit chain's hash and its verification, without a store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from hub.domain.auditketen import GENESIS, Controle, Schakel, entry_hash

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _hash(**changes):
    fields = {
        "sequence": 1,
        "at": AT,
        "actor": "loket",
        "actie": "casus.ingediend",
        "casus_id": "MWL-2026-0A1B2C3D4E",
        "details": {"b": 1, "a": [1, "é"]},
        "previous_hash": GENESIS,
    }
    return entry_hash(**{**fields, **changes})


def test_the_hash_is_sha256_over_a_fixed_canonical_form():
    expected = (
        '[1,"2026-12-01T09:00:00.000000+00:00","loket","casus.ingediend",'
        '"MWL-2026-0A1B2C3D4E",{"a":[1,"é"],"b":1},"' + GENESIS + '"]'
    )
    assert _hash() == hashlib.sha256(expected.encode()).hexdigest()


def test_the_hash_does_not_depend_on_key_order_zone_or_tuples():
    assert _hash(details={"a": (1, "é"), "b": 1}) == _hash()
    amsterdam = dt.timezone(dt.timedelta(hours=1))
    assert _hash(at=AT.astimezone(amsterdam)) == _hash()


def test_every_field_is_covered():
    for change in (
        {"sequence": 2},
        {"at": AT + dt.timedelta(microseconds=1)},
        {"actor": "iemand"},
        {"actie": "casus.gesloten"},
        {"casus_id": None},
        {"details": {"b": 2, "a": [1, "é"]}},
        {"previous_hash": "f" * 64},
    ):
        assert _hash(**change) != _hash(), change


def _chain(n: int) -> list[Schakel]:
    schakels, previous = [], GENESIS
    for i in range(1, n + 1):
        own = entry_hash(
            sequence=i,
            at=AT,
            actor="a",
            actie="x",
            casus_id=None,
            details={},
            previous_hash=previous,
        )
        schakels.append(Schakel(i * 10, i, AT, "a", "x", None, {}, previous, own))
        previous = own
    return schakels


def _check(schakels, head=None):
    controle = Controle()
    for s in schakels:
        if controle.volgende(s):
            break
    last = schakels[-1] if schakels else None
    head = head or ((last.sequence, last.hash) if last else (0, GENESIS))
    return controle.einde(*head), controle


def test_an_intact_chain_verifies():
    breuk, controle = _check(_chain(4))
    assert breuk is None and controle.aantal == 4


def test_the_first_changed_removed_or_inserted_entry_is_named():
    chain = _chain(4)
    changed = [*chain[:2], dataclasses.replace(chain[2], actor="b"), chain[3]]
    breuk, _ = _check(changed)
    assert (breuk.sequence, breuk.id) == (3, 30) and "changed" in breuk.reden

    removed = [*chain[:1], *chain[2:]]
    breuk, _ = _check(removed, head=(4, chain[3].hash))
    assert (breuk.sequence, breuk.id) == (3, 30) and "missing" in breuk.reden

    renumbered = [*chain[:1], *(dataclasses.replace(s, sequence=s.sequence - 1) for s in chain[2:])]
    breuk, _ = _check(renumbered, head=(3, chain[3].hash))
    assert breuk.sequence == 2 and "previous hash" in breuk.reden

    head = (4, chain[3].hash)
    breuk, _ = _check(chain[:3], head=head)
    assert "end" in breuk.reden
