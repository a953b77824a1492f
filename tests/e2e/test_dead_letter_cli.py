"""``maatwerk-hub deadletters`` against a running hub (a process, HTTPS with mutual TLS, on the
real broker): an operator lists the dead letters of a reason and replays them all with a progress
bar; the summary names what was refused and why, and the exit code says so."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from schemas.organisaties import HUB
from schemas.topics import dead_letter_topic, instructie_topic
from tests.support.kafka import client_kwargs, kafka_tls, random_letters
from tests.support.pki import Pki, make_pki
from tests.support.processes import console_script
from tests.support.stack import hub_client, running_hub

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hub(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Pki]]:
    root = tmp_path_factory.mktemp("replay-cli")
    pki = make_pki(root / "pki")
    beheer = kafka_tls("beheer")
    env = (
        {}
        if beheer is None
        else {
            "HUB_REPLAY_KAFKA_SSL_CERTFILE": str(beheer.certfile),
            "HUB_REPLAY_KAFKA_SSL_KEYFILE": str(beheer.keyfile),
        }
    )
    with running_hub(kafka_bootstrap, root, pki, env=env) as (url, _process):
        yield url, pki


def cli(url: str, pki: Pki, *args: str) -> subprocess.CompletedProcess[str]:
    cert, key = pki.cert("beheer")
    return subprocess.run(
        [console_script("maatwerk-hub"), "deadletters", *args],
        env={
            "MAATWERK_HUB_URL": url,
            "MAATWERK_HUB_CERT": cert,
            "MAATWERK_HUB_KEY": key,
            "MAATWERK_HUB_CA": str(pki.ca),
            "PATH": str(Path(console_script("maatwerk-hub")).parent),
            "COLUMNS": "200",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def put_copies(bootstrap: str, reason: str, key: str, count: int, *, cut: int) -> None:
    """``count`` dead-letter copies of instructions to the CJIB, of which ``cut`` were cut, as the
    hub sets them aside (the operators stand in for it): the hub may write that topic itself."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, **client_kwargs()
    )
    await producer.start()
    try:
        for n in range(count):
            headers = {
                "content-type": "application/cloudevents+json; charset=UTF-8",
                "dlq-reason": f"{reason}: back-office answered 500",
                "dlq-reason-code": reason,
                "dlq-origin-topic": instructie_topic("cjib").name,
                "dlq-origin-partition": "1",
                "dlq-origin-offset": str(n),
                "dlq-consumer": "hub",
            }
            if n < cut:
                headers["dlq-value-cut"] = "true"
            value = b'{"id": "' + str(uuid.uuid4()).encode() + b'", "n": ' + str(n).encode() + b"}"
            await producer.send_and_wait(
                dead_letter_topic("hub").name,
                value,
                key=key.encode(),
                headers=[(name, text.encode()) for name, text in headers.items()],
            )
    finally:
        await producer.stop()


async def recorded(url: str, pki: Pki, reason: str, count: int) -> list[dict]:
    async with hub_client(url, pki, "beheer", timeout=10) as operator, asyncio.timeout(240):
        while True:
            page = (
                await operator.get("/api/v1/ops/dead-letters", params={"redencode": reason})
            ).json()
            if page["totaal"] >= count:
                return page["items"]
            await asyncio.sleep(0.2)


async def test_an_operator_replays_a_reason_with_a_progress_bar_and_sees_what_was_refused(
    hub, kafka_bootstrap
):
    url, pki = hub
    reason = f"test-{random_letters(10)}"
    key = f"MWL-2026-{random_letters(10).upper()}"
    await put_copies(kafka_bootstrap, reason, key, 25, cut=1)
    letters = await recorded(url, pki, reason, 25)

    listed = await asyncio.to_thread(cli, url, pki, "list", "--reden", reason, "--not-replayed")
    assert listed.returncode == 0, listed.stderr
    assert "25 shown of 25" in listed.stdout
    assert all(str(letter["id"]) in listed.stdout for letter in letters)
    assert listed.stdout.count(f"User:{HUB.oin}") == 25  # written by: proven by the topic

    replayed = await asyncio.to_thread(cli, url, pki, "replay", "--reden", reason, "--batch", "10")
    assert replayed.returncode == 1, replayed.stdout + replayed.stderr  # one was refused
    assert "replaying" in replayed.stdout and "25/25" in replayed.stdout  # the progress bar
    assert "replayed: 24, already replayed: 0, refused: 1" in replayed.stdout
    assert "waarde-afgekapt" in replayed.stdout

    again = await asyncio.to_thread(cli, url, pki, "replay", "--reden", reason)
    assert again.returncode == 1  # only the refused one is left, and it is refused again
    assert "replayed: 0, already replayed: 0, refused: 1" in again.stdout

    [first, *_] = sorted(letter["id"] for letter in letters)
    one = await asyncio.to_thread(cli, url, pki, "replay", "--id", str(first + 1))
    assert one.returncode == 0, one.stdout + one.stderr
    assert "replayed: 0, already replayed: 1, refused: 0" in one.stdout
