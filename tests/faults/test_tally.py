"""The fault suite's own judgement, without a stack: what counts as settled, as the right
outcome, as a hostile record the operators cannot see, and as a failure."""

from __future__ import annotations

from tests.support.faults import HostileRecord, Order, Tally, unaccounted

DLQ = "maatwerk.deadletter.hub.v1"


def order(*statuses: tuple[str, str], storing: str | None = None) -> Order:
    made = Order(0, casus_id="c", opschorting_id="o", storing=storing)
    made.final = {
        "status": "pending",
        "keten": [{"uitvoerder": a, "status": s, "instructie_id": a} for a, s in statuses],
    }
    return made


def test_an_order_is_settled_only_when_every_agency_answered():
    assert order(("cjib", "confirmed"), ("duo", "refused")).settled()
    assert not order(("cjib", "confirmed"), ("duo", "pending")).settled()
    # a frozen back-office is reported undeliverable for a while, then answers
    assert not order(("cjib", "confirmed"), ("duo", "undeliverable")).settled()


def test_the_faulty_link_settles_undeliverable_and_nothing_else_will_do():
    faulty = order(("cjib", "undeliverable"), ("duo", "confirmed"), storing="cjib")
    assert faulty.settled() and faulty.outcome_ok()
    assert not order(("cjib", "confirmed"), ("duo", "confirmed"), storing="cjib").settled()
    assert not order(("cjib", "undeliverable"), ("duo", "refused"), storing="cjib").outcome_ok()


def test_a_hostile_record_counts_only_when_dead_lettered_with_a_reason():
    hostile = [HostileRecord("nested", "t", 0, 7, "k1"), HostileRecord("null", "t", 1, 3, "k2")]
    listed = [
        {"key": "k1", "redencode": "ongeldig-bericht", "dlq_offset": 0},
        {"key": "k2", "redencode": None, "dlq_offset": 1},
    ]
    assert unaccounted(hostile, listed, DLQ) == ["null on t[1]: no dead letter"]


def test_a_hostile_record_on_the_dead_letter_topic_must_be_passed_by_the_list():
    hostile = [HostileRecord("nested", DLQ, 0, 5, "k")]
    assert unaccounted(hostile, [{"key": None, "redencode": "x", "dlq_offset": 5}], DLQ)
    assert not unaccounted(hostile, [{"key": None, "redencode": "x", "dlq_offset": 6}], DLQ)
    # only a dead letter on that same topic passes it (each producer has its own)
    elsewhere = {"key": None, "redencode": "x", "dlq_offset": 9, "dlq_topic": "other"}
    assert unaccounted(hostile, [elsewhere], DLQ)
    assert not unaccounted(hostile, [{**elsewhere, "dlq_topic": DLQ}], DLQ)


def test_any_loss_duplicate_stall_or_unacknowledged_order_fails():
    assert Tally(acknowledged=3, confirmed=3).ok
    for broken in (
        Tally(lost=["o"]),
        Tally(applied_twice=["o"]),
        Tally(stuck=["o"]),
        Tally(wrong_outcome=["o"]),
        Tally(not_acknowledged=["o"]),
    ):
        assert not broken.ok
        assert broken.failures()
