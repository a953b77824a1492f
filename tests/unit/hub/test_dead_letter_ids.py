"""A dead letter's event id and key are ids operators look it up by: a canonical UUID is kept as
it is, even when its hex holds nine digits in a row; anything else there is masked like a BSN."""

from __future__ import annotations

import json

import pytest

from hub.domain.dead_letter import DeadLetter
from schemas.topics import dead_letter_topic

BSN = "123456782"
NINE_DIGITS_BY_CHANCE = "0b7c2f4e-6a1d-4f3b-9e8a-a123456789bc"  # "123456789" in the last group


def summary(*, event_id: str, key: str) -> DeadLetter:
    return DeadLetter.of(
        topic=dead_letter_topic("cjib").name,
        partition=0,
        offset=7,
        key=key.encode(),
        value=json.dumps({"type": "nl.maatwerk.x.v1", "id": event_id}).encode(),
        headers={},
    )


@pytest.mark.parametrize("uuid", [NINE_DIGITS_BY_CHANCE, NINE_DIGITS_BY_CHANCE.upper()])
def test_a_uuid_id_and_key_are_kept_whole_so_the_operator_finds_the_letter_by_them(uuid):
    letter = summary(event_id=uuid, key=uuid)
    assert (letter.event_id, letter.key) == (uuid, uuid)


@pytest.mark.parametrize(
    "smuggled",
    [BSN, f"bsn-{BSN}", f"0b7c2f4e-6a1d-4f3b-9e8a-{BSN}", f"{NINE_DIGITS_BY_CHANCE} {BSN}"],
)
def test_a_bsn_where_an_id_belongs_is_masked_when_it_is_not_exactly_a_uuid(smuggled):
    letter = summary(event_id=smuggled, key=smuggled)
    assert BSN not in (letter.event_id or "")
    assert BSN not in (letter.key or "")
    assert "*********" in (letter.event_id or "") and "*********" in (letter.key or "")
