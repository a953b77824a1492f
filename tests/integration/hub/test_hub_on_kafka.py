"""The hub on a real Kafka broker: an order reaches each agency's own topic; answers come back,
each on its agency's own answer topic; an answer that claims another agency is refused."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from hub.adapters.orm import OutboxRow
from hub.app import create_app
from hub.settings import Settings
from schemas import CONTENT_TYPE, parse_event
from schemas.topics import (
    consumer_group,
    dead_letter_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from schemas.versleuteling import generate_private_key, open_sealed, public_key_pem
from simulators import AGENCIES
from tests.api.hub.test_api import answer_event
from tests.support.identiteit import client_for
from tests.support.kafka import client_kwargs, hub_group_at_end, kafka_tls
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import make_pki

pytestmark = pytest.mark.kafka

BSN = "999990019"


@pytest.fixture
async def hub_client(kafka_bootstrap, tmp_path):
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    private = {}
    for agency in AGENCIES:
        private[agency] = generate_private_key()
        (keys_dir / f"{agency}.pub").write_bytes(public_key_pem(private[agency].public_key()))
    tls = kafka_tls("hub")  # the hub's own certificate: the hub's ACLs, no more
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_ssl_cafile=None if tls is None else tls.cafile,
        kafka_ssl_certfile=None if tls is None else tls.certfile,
        kafka_ssl_keyfile=None if tls is None else tls.keyfile,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        keys_dir=keys_dir,
        consumer_group=hub_group_at_end(kafka_bootstrap),
        outbox_poll_seconds=0.1,
    )
    app = create_app(settings)
    pki = make_pki(tmp_path / "pki")
    async with (
        app.router.lifespan_context(app),
        client_for(app, pki.pem("loket")) as client,
        client_for(app, pki.pem("beheer")) as operator,
    ):
        client.operator = operator  # type: ignore[attr-defined]
        client.private_keys = private  # type: ignore[attr-defined]
        client.consumer_group = settings.consumer_group  # type: ignore[attr-defined]
        client.app = app  # type: ignore[attr-defined]
        yield client


async def read_matching(
    bootstrap: str,
    topic: str,
    casus_id: str,
    count: int,
    within: float = 20,
    where=None,
    als: str | None = None,
):
    """``count`` records keyed ``casus_id`` (that pass ``where``), read as organisation ``als``
    (default: the operators)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4()}" if als is None else f"{consumer_group(als)}-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **(client_kwargs() if als is None else client_kwargs(als)),
    )
    await consumer.start()
    found = []
    try:
        async with asyncio.timeout(within):
            while len(found) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for record in records:
                        if record.key == casus_id.encode() and (where is None or where(record)):
                            found.append(record)
    finally:
        await consumer.stop()
    return found


async def send(bootstrap: str, als: str, topic: str, value: bytes, key: str) -> None:
    """Publish one record as organisation ``als`` (its certificate on a secured broker)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, **client_kwargs(als)
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


async def status_when(client, opschorting_id: str, done, within: float = 20):
    async with asyncio.timeout(within):
        while True:
            body = (await client.get(f"/api/v1/opschortingen/{opschorting_id}")).json()
            if done(body):
                return body
            await asyncio.sleep(0.1)


async def test_order_reaches_each_agency_topic_and_answers_complete_the_chain(
    hub_client, kafka_bootstrap
):
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
            json=opschorting_body(*AGENCIES),
        )
    ).json()
    for agency in AGENCIES:
        [record] = await read_matching(
            kafka_bootstrap, instructie_topic(agency).name, casus["casus_id"], 1
        )
        # Structured mode only: the content type and the trace context, and no ce_* (binary
        # mode) header beside them.
        assert [name for name, _ in record.headers] == ["content-type", "traceparent"]
        assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()
        assert BSN.encode() not in record.value
        event = parse_event(record.value)
        assert event.data.opschorting_id == chain["opschorting_id"]
        sealed = event.data.personen[0].bsn_versleuteld
        assert open_sealed(sealed, hub_client.private_keys[agency]) == BSN

    await send(
        kafka_bootstrap,
        "cjib",
        opschorting_antwoord_topic("cjib").name,
        b"{broken",
        casus["casus_id"],
    )
    for agency in AGENCIES:
        event = answer_event(chain, agency, refused=agency == "cjib")
        # Each agency on its own answer topic, with its own certificate.
        await send(
            kafka_bootstrap,
            agency,
            opschorting_antwoord_topic(agency).name,
            event.to_bytes(),
            casus["casus_id"],
        )

    final = await status_when(
        hub_client, chain["opschorting_id"], lambda body: body["status"] != "pending"
    )
    links = {link["uitvoerder"]: link for link in final["keten"]}
    assert links["belastingdienst"]["status"] == "confirmed"
    assert links["duo"]["status"] == "confirmed"
    assert links["cjib"]["status"] == "refused"
    assert links["cjib"]["redencode"] == "bezwaar-of-beroep"
    # Only this hub's dead letters: other hubs on the broker may set the same record aside.
    group = hub_client.consumer_group
    dead = await read_matching(
        kafka_bootstrap,
        dead_letter_topic("hub").name,
        casus["casus_id"],
        1,
        where=lambda r: dict(r.headers)["dlq-consumer"] == group.encode(),
    )
    assert [record.value for record in dead] == [b"{broken"]
    assert b"not valid JSON" in dict(dead[0].headers)["dlq-reason"]


async def test_a_message_larger_than_the_broker_takes_is_dead_at_once_and_holds_only_its_casus(
    hub_client, kafka_bootstrap
):
    """The big one is dead at once; the later one of its casus is held (order per casus), the
    other casus goes on; once an operator discards the big one, the held one is published."""
    hub = hub_client.app.state.hub
    casus_id, other_id = (f"MWL-2026-{uuid.uuid4().hex[:10].upper()}" for _ in range(2))
    now = hub.now()
    topic = instructie_topic("cjib").name

    def row(key: str, value: bytes) -> OutboxRow:
        return OutboxRow(
            event_id=str(uuid.uuid4()),
            topic=topic,
            key=key,
            value=value,
            event_type="nl.maatwerk.opschorting.instructie.v1",
            created_at=now,
            execute_after=now,
            attempts=0,
        )

    async with hub.sessions() as session:
        session.add_all(
            [
                row(casus_id, b"x" * 2_000_000),
                row(casus_id, b'{"small": true}'),
                row(other_id, b'{"other": true}'),
            ]
        )
        await session.commit()
    hub.relay.wake()

    [other] = await read_matching(kafka_bootstrap, topic, other_id, 1)
    assert other.value == b'{"other": true}'

    async def listed(status: str) -> list[dict]:
        async with asyncio.timeout(20):
            while True:
                response = await hub_client.operator.get(f"/api/v1/ops/outbox?status={status}")
                items = [d for d in response.json()["items"] if d["key"] == casus_id]
                if items:
                    return items
                await asyncio.sleep(0.1)

    [big] = await listed("dead")
    assert big["attempts"] == 1 and big["value_size"] == 2_000_000
    assert "MessageSizeTooLargeError" in big["last_error"]
    [held] = await listed("held")
    assert held["held_by"] == big["seq"] and held["attempts"] == 0

    discarded = await hub_client.operator.post(
        f"/api/v1/ops/outbox/{big['seq']}/discard", json={"reden": "Te groot voor de broker"}
    )
    assert discarded.status_code == 200, discarded.text
    assert [r["seq"] for r in discarded.json()["vrijgegeven"]] == [held["seq"]]
    [small] = await read_matching(kafka_bootstrap, topic, casus_id, 1)
    assert small.value == b'{"small": true}'


async def test_an_answer_claiming_another_agency_is_dead_lettered_and_changes_no_chain(
    hub_client, kafka_bootstrap
):
    """CJIB may write its own answer topic only (the broker refuses it anything else); there it
    writes a confirmation that claims to come from DUO, DUO's source and all. The hub refuses it
    on the topic's owner, before anything else: DUO's link stays pending."""
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
            json=opschorting_body(*AGENCIES),
        )
    ).json()
    forged = answer_event(chain, "duo")  # data.uitvoerder and source: DUO's
    await send(
        kafka_bootstrap,
        "cjib",
        opschorting_antwoord_topic("cjib").name,
        forged.to_bytes(),
        casus["casus_id"],
    )
    group = hub_client.consumer_group
    [dead] = await read_matching(
        kafka_bootstrap,
        dead_letter_topic("hub").name,
        casus["casus_id"],
        1,
        within=120,  # the new hub first reads the shared broker's answer history
        where=lambda r: dict(r.headers)["dlq-consumer"] == group.encode(),
    )
    headers = dict(dead.headers)
    assert headers["dlq-reason-code"] == b"antwoord-afgewezen"
    assert b"carries the answers of cjib, not of duo" in headers["dlq-reason"]
    assert headers["dlq-origin-topic"] == opschorting_antwoord_topic("cjib").name.encode()
    assert dead.value == forged.to_bytes()

    # The real DUO answer, on DUO's topic, still counts: the forgery changed nothing.
    body = (await hub_client.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    assert {link["uitvoerder"]: link["status"] for link in body["keten"]}["duo"] == "pending"
    real = answer_event(chain, "duo")
    await send(
        kafka_bootstrap,
        "duo",
        opschorting_antwoord_topic("duo").name,
        real.to_bytes(),
        casus["casus_id"],
    )
    final = await status_when(
        hub_client,
        chain["opschorting_id"],
        lambda b: {x["uitvoerder"]: x["status"] for x in b["keten"]}["duo"] != "pending",
    )
    links = {link["uitvoerder"]: link for link in final["keten"]}
    assert links["duo"]["status"] == "confirmed"
    assert links["cjib"]["status"] == "pending"
