"""The broker enforces who is who and who may do what: mTLS, principal = OIN, the catalogue's ACLs.

Every check runs against the real local broker with the certificates of the session's own CA. The
access matrix is checked exhaustively: for every agency, every topic it may not read is refused
for reading and every topic it may not write is refused for writing, so 100% of cross-agency
reads and writes are refused by the broker itself (not by the hub or the connector's good
manners). Positive controls show that the same clients do get in where the matrix says so.
"""

from __future__ import annotations

import asyncio
import ssl
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError

from hub.adapters.topic_admin import (
    OPERATIONS,
    admin_client,
    current_acls,
    ensure_acls,
    ensure_topics,
)
from schemas.identiteit import KafkaTls
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import (
    AGENCIES,
    LEGACY_DEAD_LETTER,
    AclEntry,
    acl_entries,
    catalogue,
    consumer_group,
    dead_letter_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from tests.support.kafka import client_kwargs, kafka_tls, pki_dir

pytestmark = pytest.mark.kafka

PARALLEL = asyncio.Semaphore(16)
READ_VERDICT_SECONDS = 60
"""Longest wait for the broker's first answer to a fetch: beyond it the test fails, it never
guesses."""


@pytest.fixture
def secured(kafka_bootstrap: str) -> str:
    if pki_dir() is None:
        pytest.skip("the session's broker is PLAINTEXT (testcontainers or KAFKA_BOOTSTRAP_SERVERS)")
    return kafka_bootstrap


async def can_read(bootstrap: str, als: str, topic: str) -> bool:
    """Whether ``als`` may read ``topic`` in its own consumer group (as its clients do)."""
    async with PARALLEL:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"{consumer_group(als)}-security-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            request_timeout_ms=10_000,
            **client_kwargs(als),
        )
        try:
            await consumer.start()
            async with asyncio.timeout(READ_VERDICT_SECONDS):
                # Readable once a fetch of every assigned partition was answered (its high
                # watermark is known); not readable when a fetch was refused. Never by a pause.
                while not (assigned := consumer.assignment()) or any(
                    consumer.highwater(tp) is None for tp in assigned
                ):
                    await consumer.getmany(timeout_ms=200)
            return True
        except TopicAuthorizationFailedError:
            return False
        finally:
            await consumer.stop()


async def can_write(producer: AIOKafkaProducer, topic: str) -> bool:
    try:
        await producer.send_and_wait(topic, b'{"probe": true}', key=b"security-probe")
        return True
    except TopicAuthorizationFailedError:
        return False


async def writable(bootstrap: str, als: str, topics: list[str]) -> set[str]:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", **client_kwargs(als)
    )
    await producer.start()
    try:
        return {topic for topic in topics if await can_write(producer, topic)}
    finally:
        await producer.stop()


@pytest.mark.parametrize("agency", AGENCIES)
async def test_an_agency_reads_only_its_own_topics_and_writes_only_its_own_answers(
    secured: str, agency: str
) -> None:
    names = [t.name for t in catalogue()]
    readable = await asyncio.gather(*(can_read(secured, agency, name) for name in names))
    assert {name for name, ok in zip(names, readable, strict=True) if ok} == {
        t.name for t in catalogue() if agency in t.consumers
    }
    # Its own instruction topics (and the public register), never another agency's, never an
    # answer topic, not even its own: only the hub reads answers.
    assert await writable(secured, agency, names) == {
        t.name for t in catalogue() if agency in t.producers
    }


async def test_the_hub_cannot_write_an_answer_nor_read_what_is_not_its_own(secured: str) -> None:
    answers = [opschorting_antwoord_topic(a).name for a in AGENCIES]
    assert await writable(secured, "hub", answers) == set()
    # It reads back the instructions it wrote (a replay checks a record's bytes there).
    assert await can_read(secured, "hub", instructie_topic("cjib").name)
    assert await can_read(secured, "hub", answers[0])
    others = [dead_letter_topic(a).name for a in AGENCIES] + [LEGACY_DEAD_LETTER.name]
    assert await writable(secured, "hub", others) == set()


async def test_the_hub_is_no_super_user_it_cannot_manage_topics_or_acls(secured: str) -> None:
    hub = kafka_tls("hub")
    with pytest.raises(TopicAuthorizationFailedError):
        await ensure_topics(secured, catalogue()[:1], tls=hub)
    with pytest.raises(Exception, match=r"[Aa]uthori"):
        await ensure_acls(secured, acl_entries()[:1], tls=hub)


async def test_the_acls_are_the_catalogues_with_oins_and_the_command_is_idempotent(
    secured: str,
) -> None:
    admin = kafka_tls("beheer")
    assert await ensure_acls(secured, acl_entries(), tls=admin) == (0, 0)
    assert await ensure_topics(secured, catalogue(), tls=admin) == []
    client = admin_client(secured, admin)
    await client.start()
    try:
        present = await current_acls(client)
    finally:
        await client.close()
    cjib = f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}"
    assert (2, instructie_topic("cjib").name, 3, cjib, OPERATIONS["READ"]) in present
    assert not [a for a in present if a[3] in {"User:cjib", "User:hub", "User:ANONYMOUS"}]


async def test_a_stale_acl_is_removed_by_the_same_command(secured: str) -> None:
    admin = kafka_tls("beheer")
    stale = AclEntry(
        f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}", "READ", instructie_topic("duo").name
    )
    assert await ensure_acls(secured, [*acl_entries(), stale], tls=admin) == (1, 0)
    assert await can_read(secured, "cjib", instructie_topic("duo").name)
    assert await ensure_acls(secured, acl_entries(), tls=admin) == (0, 1)
    assert not await can_read(secured, "cjib", instructie_topic("duo").name)


async def refused_to_connect(bootstrap: str, **kwargs: object) -> bool:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=5000, **kwargs)
    try:
        await producer.start()
    except KafkaConnectionError:
        return True
    finally:
        await producer.stop()
    return False


async def test_a_client_without_tls_cannot_connect(secured: str) -> None:
    assert await refused_to_connect(secured)


async def test_a_tls_client_without_a_certificate_cannot_connect(secured: str) -> None:
    directory = pki_dir()
    assert directory is not None
    context = ssl.create_default_context(cafile=str(directory / "ca.pem"))
    assert await refused_to_connect(secured, security_protocol="SSL", ssl_context=context)


async def test_a_certificate_of_another_ca_is_refused(secured: str, tmp_path: Path) -> None:
    from tests.support.pki import maak_pki

    directory = pki_dir()
    assert directory is not None
    maak_pki(tmp_path / "elders")  # the same names and OINs, but not signed by the broker's CA
    stranger = KafkaTls(
        directory / "ca.pem", tmp_path / "elders" / "cjib.pem", tmp_path / "elders" / "cjib.key"
    )
    assert await refused_to_connect(secured, **stranger.client_kwargs())
