"""Who set a dead letter aside is proven by the dead-letter topic it is on, never by a header."""

from __future__ import annotations

import pytest

from hub.domain.dead_letter import DeadLetter
from schemas.topics import LEGACY_DEAD_LETTER, dead_letter_topic, principal

CLAIM = {
    "dlq-failed-by": principal("duo"),
    "dlq-consumer": "connector-duo",
    "dlq-origin-topic": "maatwerk.opschorting.instructie.duo.v1",
}


def letter(topic: str, **kwargs) -> DeadLetter:
    return DeadLetter.of(
        topic=topic, partition=0, offset=3, key=None, value=b"{}", headers=CLAIM, **kwargs
    )


def test_the_writer_is_the_one_producer_of_the_dead_letter_topic_whatever_the_header_says():
    forged = letter(dead_letter_topic("cjib").name)
    assert forged.failed_by == principal("cjib") != CLAIM["dlq-failed-by"]
    assert forged.dlq_topic == "maatwerk.deadletter.cjib.v1"
    assert letter(dead_letter_topic("hub").name).failed_by == principal("hub")


def test_the_writer_takes_the_configured_oins():
    assert letter(dead_letter_topic("cjib").name, oins={"cjib": "1" * 20}).failed_by == (
        f"User:{'1' * 20}"
    )


@pytest.mark.parametrize("topic", [LEGACY_DEAD_LETTER.name, "maatwerk.opschorting.v1", "x"])
def test_a_topic_that_proves_no_writer_names_none(topic):
    assert letter(topic).failed_by is None
