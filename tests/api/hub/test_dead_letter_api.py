"""The operators' dead-letter API in process: list with filters and pages, replay one or a
selection; operators only; errors name the field. Kafka is a fake dead-letter topic and producer
here (the real ones: ``tests/integration/hub/test_replay_on_kafka.py``)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib

import pytest
from faststream.kafka import TestKafkaBroker

from hub.adapters.dead_letter_reader import Placement, StoredRecord
from hub.app import create_app
from hub.domain.dead_letter import DeadLetter
from hub.service.ops import record_dead_letter
from hub.service.replay import ReplayKafka
from schemas.organisaties import BEHEER
from schemas.topics import dead_letter_topic, instructie_topic, opschorting_antwoord_topic
from tests.api.hub.conftest import running

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
INSTRUCTIE = instructie_topic("cjib").name
ANTWOORD = opschorting_antwoord_topic("duo").name
DLQ = dead_letter_topic("cjib").name


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


class FakeKafka:
    """The topics as a dict of records by (topic, partition, offset), and what was produced."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, int, int], StoredRecord] = {}
        self.sent: list[tuple[str, bytes | None]] = []

    @contextlib.asynccontextmanager
    async def open(self):
        yield self

    async def read(self, topic: str, partition: int, offset: int) -> StoredRecord | None:
        return self.records.get((topic, partition, offset))

    async def send(self, topic, *, key, value, headers) -> Placement:
        self.sent.append((topic, value))
        return Placement(0, len(self.sent))


@pytest.fixture
async def ops(hub_settings, clients):
    app = create_app(hub_settings)
    async with TestKafkaBroker(app.state.broker), running(app):
        hub = app.state.hub
        clock = Clock()
        hub.deps = dataclasses.replace(hub.deps, clock=clock)
        kafka = FakeKafka()
        app.state.process.replay = ReplayKafka(open_source=kafka.open, hub=kafka)
        client = clients(app, "beheer")
        client.loket = clients(app, "loket")  # type: ignore[attr-defined]
        client.clock = clock  # type: ignore[attr-defined]
        client.kafka = kafka  # type: ignore[attr-defined]
        client.hub = hub  # type: ignore[attr-defined]
        yield client


async def add(ops, offset: int, *, reason="backoffice-weigert", origin=INSTRUCTIE, **kw) -> None:
    """A dead letter the hub read at ``offset`` of the CJIB's dead-letter topic, at the clock's
    time; its original is at ``offset`` of the origin topic unless ``at_origin`` is False."""
    value = kw.pop("value", f'{{"id": "e-{offset}"}}'.encode())
    letter = DeadLetter(
        dlq_topic=DLQ,
        dlq_partition=0,
        dlq_offset=offset,
        origin_topic=origin,
        origin_partition=0,
        origin_offset=offset,
        reason=f"{reason}: no",
        redencode=reason,
        consumer=kw.pop("consumer", "connector-cjib"),
        failed_by=None,
        dead_lettered_at=None,
        key="MWL-2026-0000000001",
        event_type=kw.pop("event_type", "nl.maatwerk.opschorting.instructie.v1"),
        event_id=f"e-{offset}",
        value_size=len(value),
        value_sha256=hashlib.sha256(value).hexdigest(),
    )
    ops.kafka.records[(DLQ, 0, offset)] = StoredRecord(
        b"MWL-2026-0000000001", value, [("dlq-reason-code", reason.encode())]
    )
    if kw.pop("at_origin", True):
        ops.kafka.records[(origin, 0, offset)] = StoredRecord(b"MWL-2026-0000000001", value, [])
    assert await record_dead_letter(letter, ops.hub.uow(), ops.hub.deps)


async def page(ops, **params) -> dict:
    response = await ops.get("/api/v1/ops/dead-letters", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_dead_letters_are_listed_newest_first_with_filters_and_pages(ops):
    for offset in range(5):
        await add(ops, offset)
        ops.clock.now += dt.timedelta(minutes=10)
    await add(ops, 5, reason="ongeldig-bericht", origin=ANTWOORD, consumer="hub")
    await add(ops, 6, event_type="nl.maatwerk.opschorting.opheffing-instructie.v1")

    everything = await page(ops)
    assert everything["totaal"] == 7 and everything["pagina"] == 1
    assert [d["dlq_offset"] for d in everything["items"]] == [6, 5, 4, 3, 2, 1, 0]
    assert everything["items"][0]["replayed"] is None

    second = await page(ops, per_pagina=3, pagina=2)
    assert (second["totaal"], second["per_pagina"]) == (7, 3)
    assert [d["dlq_offset"] for d in second["items"]] == [3, 2, 1]

    assert (await page(ops, redencode="ongeldig-bericht"))["totaal"] == 1
    both = await page(ops, redencode=["ongeldig-bericht", "backoffice-weigert"])
    assert both["totaal"] == 7
    assert [d["dlq_offset"] for d in (await page(ops, origin_topic=ANTWOORD))["items"]] == [5]
    assert (await page(ops, consumer="hub"))["totaal"] == 1
    opheffing = await page(ops, event_type="nl.maatwerk.opschorting.opheffing-instructie.v1")
    assert [d["dlq_offset"] for d in opheffing["items"]] == [6]
    window = await page(
        ops,
        vanaf=(T0 + dt.timedelta(minutes=10)).isoformat(),
        tot=(T0 + dt.timedelta(minutes=30)).isoformat(),
    )
    assert [d["dlq_offset"] for d in window["items"]] == [2, 1]
    naive = await page(ops, vanaf="2026-11-30T09:35:00")  # UTC when no offset is given
    assert [d["dlq_offset"] for d in naive["items"]] == [6, 5, 4]


async def test_replay_one_records_who_and_when_and_the_list_shows_it(ops):
    await add(ops, 0)
    await add(ops, 1)
    [second, first] = (await page(ops))["items"]

    response = await ops.post(f"/api/v1/ops/dead-letters/{first['id']}/replay")
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "replayed" and response.json()["topic"] == INSTRUCTIE
    assert ops.kafka.sent == [(INSTRUCTIE, b'{"id": "e-0"}')]

    again = await ops.post(f"/api/v1/ops/dead-letters/{first['id']}/replay")
    assert again.json()["outcome"] == "already_replayed" and len(ops.kafka.sent) == 1
    forced = await ops.post(f"/api/v1/ops/dead-letters/{first['id']}/replay?opnieuw=true")
    assert forced.json()["outcome"] == "replayed" and len(ops.kafka.sent) == 2

    [shown] = (await page(ops, replayed="true"))["items"]
    assert shown["id"] == first["id"]
    assert shown["replayed"]["by"] == f"urn:nld:oin:{BEHEER.oin}"
    assert shown["replayed"]["count"] == 2
    assert [d["id"] for d in (await page(ops, replayed="false"))["items"]] == [second["id"]]
    async with ops.hub.uow() as uow:
        replays = [
            (e.actor, e.details["dead_letter_id"])
            for e in await uow.audit.for_casus("MWL-2026-0000000001")
            if e.actie == "dead-letter.replay"
        ]
    assert replays == [(f"urn:nld:oin:{BEHEER.oin}", first["id"])] * 2


async def test_replay_a_selection_or_a_reason_says_per_dead_letter_what_happened(ops):
    await add(ops, 0)
    await add(ops, 1, value=b"x" * 10)
    await add(ops, 2, reason="ander")
    ops.kafka.records[(DLQ, 0, 1)] = StoredRecord(None, b"x", [("dlq-value-cut", b"true")])
    ids = [d["id"] for d in reversed((await page(ops))["items"])]

    by_reason = await ops.post(
        "/api/v1/ops/dead-letters/replay", json={"redencode": "backoffice-weigert"}
    )
    assert by_reason.status_code == 200, by_reason.text
    body = by_reason.json()
    assert (body["replayed"], body["already_replayed"], body["refused"]) == (1, 0, 1)
    assert body["remaining"] == 1
    assert [(r["id"], r["outcome"], r["refusal"]) for r in body["results"]] == [
        (ids[0], "replayed", None),
        (ids[1], "refused", "waarde-afgekapt"),
    ]

    selection = await ops.post(
        "/api/v1/ops/dead-letters/replay", json={"ids": [ids[0], ids[2], 999]}
    )
    outcome = {r["id"]: (r["outcome"], r["refusal"]) for r in selection.json()["results"]}
    assert outcome == {
        ids[0]: ("already_replayed", None),
        ids[2]: ("replayed", None),
        999: ("refused", "onbekend"),
    }
    assert selection.json()["remaining"] is None


async def test_an_answer_topic_without_the_operators_identity_is_409_naming_why(ops):
    await add(ops, 0, origin=ANTWOORD)
    [letter] = (await page(ops))["items"]
    response = await ops.post(f"/api/v1/ops/dead-letters/{letter['id']}/replay")
    assert response.status_code == 409
    [error] = response.json()["detail"]
    assert error["type"] == "geen-beheeridentiteit" and error["field"] == "letter_id"
    assert "HUB_REPLAY_KAFKA_SSL_CERTFILE" in error["message"]
    assert ops.kafka.sent == []


async def test_only_operators_list_and_replay(ops):
    await add(ops, 0)
    assert (await ops.loket.get("/api/v1/ops/dead-letters")).status_code == 403
    refused = await ops.loket.post("/api/v1/ops/dead-letters/1/replay")
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["field"] == "role"
    batch = await ops.loket.post("/api/v1/ops/dead-letters/replay", json={"ids": [1]})
    assert batch.status_code == 403
    assert ops.kafka.sent == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_pagina": 0}, "per_pagina"),
        ({"per_pagina": 501}, "per_pagina"),
        ({"pagina": 0}, "pagina"),
        ({"replayed": "maybe"}, "replayed"),
        ({"vanaf": "yesterday"}, "vanaf"),
        ({"vanaf": "2026-11-30T10:00:00Z", "tot": "2026-11-30T09:00:00Z"}, "tot"),
    ],
)
async def test_a_bad_filter_is_422_naming_it(ops, params, field):
    response = await ops.get("/api/v1/ops/dead-letters", params=params)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["detail"]]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": [1], "redencode": "x"},
        {"ids": [1], "origin_topic": INSTRUCTIE},
        {"ids": list(range(501))},
        {"redencode": "x", "vanaf": "2026-11-30T10:00:00Z", "tot": "2026-11-30T09:00:00Z"},
        {"ids": [1], "extra": True},
    ],
)
async def test_a_bad_replay_request_is_422(ops, body):
    response = await ops.post("/api/v1/ops/dead-letters/replay", json=body)
    assert response.status_code == 422, response.text
    assert ops.kafka.sent == []


async def test_an_unknown_dead_letter_is_404_naming_the_field(ops):
    response = await ops.post("/api/v1/ops/dead-letters/41/replay")
    assert response.status_code == 404
    assert response.json()["detail"][0]["field"] == "letter_id"
    not_a_number = await ops.post("/api/v1/ops/dead-letters/abc/replay")
    assert not_a_number.status_code == 422
    assert not_a_number.json()["detail"][0]["field"] == "letter_id"


@pytest.mark.parametrize(
    "body",
    [
        {"redencode": "bestaat-niet"},
        {"redencode": "backoffice-weigert", "origin_topic": ANTWOORD},
        {"redencode": "backoffice-weigert", "vanaf": "2027-01-01T00:00:00Z"},
    ],
)
async def test_a_replay_that_matches_nothing_replays_nothing_and_says_so(ops, body):
    await add(ops, 0)
    await add(ops, 1, reason="ander")
    response = await ops.post("/api/v1/ops/dead-letters/replay", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["matched"], answer["replayed"], answer["results"]) == (0, 0, [])
    assert "nothing replayed" in answer["message"]
    assert ops.kafka.sent == []
    assert (await page(ops, replayed="true"))["totaal"] == 0


async def test_a_dead_letter_whose_bytes_are_not_at_its_origin_is_refused_naming_why(ops):
    """The CJIB set it aside naming DUO's instructions as its origin; the bytes are not there
    and the CJIB may not write that topic: nothing is produced."""
    duo = instructie_topic("duo").name
    await add(ops, 0, origin=duo, reason="backoffice-fout", at_origin=False)
    response = await ops.post(
        "/api/v1/ops/dead-letters/replay", json={"redencode": "backoffice-fout"}
    )
    [result] = response.json()["results"]
    assert (result["outcome"], result["refusal"]) == ("refused", "niet-op-herkomst")
    assert duo in result["reason"]
    assert response.json()["message"] == "1 matched: 0 replayed, 1 refused"
    assert ops.kafka.sent == []
    [listed] = (await page(ops))["items"]
    assert listed["dlq_topic"] == DLQ
