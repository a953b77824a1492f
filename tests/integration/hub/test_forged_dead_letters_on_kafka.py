"""A dead letter cannot make the hub or the operators speak for another organisation, on a real
broker with mutual TLS and the catalogue's ACLs.

The attack: the CJIB (with its own certificate) sets aside records it made up, naming DUO's
instruction topic and DUO's answer topic as their origin, with the reason an operator replays in
bulk (``backoffice-fout``). Before, "replay all of this reason" published them there with the
hub's and the operators' identity: forged instructions reached DUO's back-office and a forged
DUO refusal was taken as DUO's. Now the CJIB can write only its own dead-letter topic, the hub
knows the writer from it, and a replay re-sends only bytes it finds at the origin named (or that
the writer may write there itself): the forgeries are refused, DUO's topics and chain stay as they
were, and DUO's own genuine dead letter in the same replay still goes back.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka.errors import TopicAuthorizationFailedError

from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import (
    LEGACY_DEAD_LETTER,
    dead_letter_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from tests.api.hub.test_api import answer_event
from tests.integration.hub import test_replay_on_kafka
from tests.integration.hub.test_hub_on_kafka import BSN
from tests.integration.hub.test_replay_on_kafka import (
    copy_headers,
    dead_letters,
    put_on_dead_letter_topic,
    records_up_to_now,
)
from tests.support.loket import casus_body, opschorting_body

pytestmark = pytest.mark.kafka

hub_client = test_replay_on_kafka.hub_client
"""The hub in process on the broker, with the operators' Kafka identity."""

REASON = "backoffice-fout"


async def records_when(bootstrap: str, topic: str, key: str, count: int) -> list:
    async with asyncio.timeout(60):
        while True:
            found = await records_up_to_now(bootstrap, topic, key)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.2)


def forged_instruction(real: bytes) -> bytes:
    """DUO's real instruction with another id, as the CJIB would make one up."""
    event = json.loads(real)
    event["id"] = str(uuid.uuid4())
    return json.dumps(event).encode()


async def test_a_forged_dead_letter_replayed_by_an_operator_changes_no_other_agency(
    hub_client, kafka_bootstrap
):
    casus_id = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()["casus_id"]
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body("duo")
        )
    ).json()
    duo_instructions = instructie_topic("duo").name
    duo_answers = opschorting_antwoord_topic("duo").name
    [real] = await records_when(kafka_bootstrap, duo_instructions, casus_id, 1)
    before = (await hub_client.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    assert before["status"] == "pending"

    # The CJIB may write its own dead-letter topic only: not the former shared one, not DUO's.
    for elsewhere in (LEGACY_DEAD_LETTER.name, dead_letter_topic("duo").name):
        with pytest.raises(TopicAuthorizationFailedError):
            await put_on_dead_letter_topic(
                kafka_bootstrap, casus_id, b"{}", {}, topic=elsewhere, als="cjib"
            )

    cjib_dlq = dead_letter_topic("cjib").name
    at_real = {"dlq-origin-partition": str(real.partition), "dlq-origin-offset": str(real.offset)}
    refusal = answer_event(chain, "duo", refused=True).to_bytes()
    forgeries = [
        # at the place of DUO's real instruction, and at places where nothing is
        (forged_instruction(real.value), copy_headers(duo_instructions, REASON, **at_real)),
        (forged_instruction(real.value), copy_headers(duo_instructions, REASON)),
        (forged_instruction(real.value), copy_headers(duo_instructions, REASON)),
        # a refusal in DUO's name
        (refusal, copy_headers(duo_answers, REASON, **{"dlq-failed-by": "User:duo"})),
    ]
    for value, headers in forgeries:
        await put_on_dead_letter_topic(
            kafka_bootstrap, casus_id, value, headers, topic=cjib_dlq, als="cjib"
        )
    # DUO's own connector gave up on the real instruction: its genuine dead letter.
    await put_on_dead_letter_topic(
        kafka_bootstrap,
        casus_id,
        real.value,
        {**copy_headers(duo_instructions, REASON, **at_real), "dlq-consumer": "connector-duo"},
        topic=dead_letter_topic("duo").name,
        als="duo",
    )
    letters = await dead_letters(hub_client.operator, at_least=5, key=casus_id, redencode=REASON)
    writers = {d["dlq_topic"]: d["failed_by"] for d in letters}
    assert writers == {
        cjib_dlq: f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}",  # not the User:duo it claims
        dead_letter_topic("duo").name: f"User:{UITVOERDERS[Uitvoerder.DUO].oin}",
    }

    response = await hub_client.operator.post(
        "/api/v1/ops/dead-letters/replay", json={"redencode": REASON}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    outcome = {r["id"]: r for r in body["results"]}
    forged = [d["id"] for d in letters if d["dlq_topic"] == cjib_dlq]
    [genuine] = [d["id"] for d in letters if d["dlq_topic"] != cjib_dlq]
    assert len(forged) == 4
    assert [outcome[i]["refusal"] for i in forged] == ["niet-op-herkomst"] * 4
    assert outcome[genuine]["outcome"] == "replayed"
    # The session's broker is shared: other tests' dead letters of this reason match too.
    assert body["matched"] >= 5 and body["replayed"] >= 1 and body["refused"] >= 4

    # On DUO's topics: its real instruction and the genuine replay of it, nothing forged.
    on_instructions = await records_up_to_now(kafka_bootstrap, duo_instructions, casus_id)
    assert [r.value for r in on_instructions] == [real.value, real.value]
    assert await records_up_to_now(kafka_bootstrap, duo_answers, casus_id) == []
    after = (await hub_client.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    assert after["status"] == "pending" and after["keten"] == before["keten"]
