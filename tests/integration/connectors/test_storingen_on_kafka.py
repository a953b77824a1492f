"""No record stalls a connector's partition, on a real broker (mutual TLS, the agency's ACLs):

- a back-office answering 500 to one instruction: that instruction is dead-lettered
  (``backoffice-fout``) and reported (AfleveringMislukt, final) within bounded time, and the next
  instruction on the same partition is answered;
- hostile records on the agency's instruction topic (JSON nested 100,000 deep, a non-JSON body
  that says ``application/json``, a record of about 1 MiB, bytes that are not UTF-8 with null
  header values): each is dead-lettered with a reason, and a valid instruction after them is
  answered;
- a back-office that is down: reported at once (not final), nothing dead-lettered, answered
  once it is back.

The back-office is a small real HTTP server in this process that answers like the CJIB.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata

from connectors.base.runtime import antwoord_event_id
from schemas import CloudEvent
from schemas import deadletter as dl
from schemas.topics import instructie_topic, opschorting_antwoord_topic
from tests.integration.connectors.steun import (
    SNEL,
    connector_in_process,
    dead_letter_for,
    dead_letters_so_far,
    headers,
    publish_instruction,
    sealed,
)
from tests.support.kafka import client_kwargs, consume_until
from tests.support.processes import free_port

pytestmark = pytest.mark.kafka

BSN = "999990019"
TOPIC = instructie_topic("cjib").name
ANTWOORDEN = opschorting_antwoord_topic("cjib").name
MISLUKT = "nl.maatwerk.aflevering.mislukt.v1"
BOUND_SECONDS = 30.0
"""Within this time a failing instruction must be set aside (the policy needs ~2 s)."""


class Cjib(BaseHTTPRequestHandler):
    """The CJIB's order endpoint: 500 for the instructions named in ``kapot``, else suspended."""

    kapot: ClassVar[set[str]] = set()
    gezien: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        sleutel = body["referentieKetenpartner"]
        self.gezien.append(sleutel)
        if sleutel in self.kapot:
            self._stuur(500, {"code": "INTERNE_FOUT", "melding": "kapot"})
        else:
            self._stuur(201, {"cjibReferentie": "CJIB-OPS-00000042", "zaken": []})

    def _stuur(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def _serve(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), Cjib)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def cjib_url() -> Iterator[str]:
    server = _serve(free_port())
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _reports(bootstrap: str, event: CloudEvent[Any], **kwargs: Any) -> list[dict[str, Any]]:
    return await consume_until(
        bootstrap,
        ANTWOORDEN,
        lambda e: e.get("type") == MISLUKT and e.get("data", {}).get("instructie_id") == event.id,
        **kwargs,
    )


async def _answer(bootstrap: str, event: CloudEvent[Any], seconds: float = 45.0) -> dict[str, Any]:
    (answer,) = await consume_until(
        bootstrap, ANTWOORDEN, lambda e: e.get("id") == antwoord_event_id(event.id), seconds
    )
    return answer


def _from(meta: RecordMetadata, key: bytes):
    """The dead letter of the record at ``meta`` with ``key``: the key too, since other tests put
    made-up dead letters on the shared topic whose origin headers may name the same place."""

    def match(record: Any) -> bool:
        h = headers(record)
        return (
            record.key == key
            and (h.get(dl.HEADER_ORIGIN_TOPIC), h.get(dl.HEADER_ORIGIN_PARTITION))
            == (meta.topic, str(meta.partition))
            and h.get(dl.HEADER_ORIGIN_OFFSET) == str(meta.offset)
        )

    return match


async def test_a_server_error_on_one_instruction_is_set_aside_and_the_next_is_answered(
    kafka_bootstrap: str, keys_dir: Path, cjib_url: str
):
    casus = sealed("cjib", BSN, keys_dir).subject  # both on one key: one partition, in order
    kapot = sealed("cjib", BSN, keys_dir, casus=casus)
    volgende = sealed("cjib", BSN, keys_dir, casus=casus)
    Cjib.kapot.add(kapot.id)
    async with connector_in_process("cjib", kafka_bootstrap, keys_dir, cjib_url, vanaf_einde=True):
        begin = time.monotonic()
        meta = await publish_instruction(kafka_bootstrap, kapot)
        volgende_meta = await publish_instruction(kafka_bootstrap, volgende)
        assert volgende_meta.partition == meta.partition

        record = await dead_letter_for(
            kafka_bootstrap, _from(meta, casus.encode()), seconds=BOUND_SECONDS
        )
        (report,) = await _reports(kafka_bootstrap, kapot, timeout=BOUND_SECONDS)
        answer = await _answer(kafka_bootstrap, volgende, seconds=BOUND_SECONDS)
        verstreken = time.monotonic() - begin

    h = headers(record)
    assert h[dl.HEADER_REASON_CODE] == "backoffice-fout"
    assert record.value == kapot.to_bytes()
    assert report["data"]["definitief"] is True
    assert report["data"]["redencode"] == "backoffice-fout"
    assert report["data"]["pogingen"] == SNEL.fout_pogingen
    assert Cjib.gezien.count(kapot.id) == SNEL.fout_pogingen
    assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
    assert verstreken < BOUND_SECONDS
    print(f"server error set aside and next answered in {verstreken:.1f}s")


async def _publish_raw(
    bootstrap: str, value: bytes | None, key: bytes, record_headers: list[tuple[str, Any]]
) -> RecordMetadata:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, max_request_size=2 * 1024 * 1024, **client_kwargs()
    )
    await producer.start()
    try:
        return await producer.send_and_wait(TOPIC, value, key=key, headers=record_headers)
    finally:
        await producer.stop()


HOSTILE: dict[str, tuple[bytes, list[tuple[str, Any]]]] = {
    "nested-100000": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, []),
    "json-content-type-not-json": (
        b"<html>502 Bad Gateway</html>",
        [("content-type", b"application/json")],
    ),
    "about-1MiB": (b'{"type": "' + b"x" * 1_000_000 + b'"}', []),
    "not-utf8-null-headers": (
        b"\xff\xfe\x00\xc3\x28 not text",
        [("x-null", None), ("x-bin", b"\xff\xfe"), ("content-type", None)],
    ),
}


async def test_hostile_records_are_dead_lettered_and_a_valid_instruction_after_them_answered(
    kafka_bootstrap: str, keys_dir: Path, cjib_url: str
):
    key = f"hostile-{uuid.uuid4().hex}".encode()
    event = sealed("cjib", BSN, keys_dir)
    async with connector_in_process("cjib", kafka_bootstrap, keys_dir, cjib_url, vanaf_einde=True):
        metas = {
            name: await _publish_raw(kafka_bootstrap, value, key, record_headers)
            for name, (value, record_headers) in HOSTILE.items()
        }
        for name, meta in metas.items():  # the valid one on each partition the hostile ones use
            assert meta.partition == metas["nested-100000"].partition, name
        await publish_instruction(kafka_bootstrap, event)
        parked = {
            name: await dead_letter_for(kafka_bootstrap, _from(meta, key), seconds=BOUND_SECONDS)
            for name, meta in metas.items()
        }
        answer = await _answer(kafka_bootstrap, event)

    for name, record in parked.items():
        h = headers(record)
        assert h[dl.HEADER_REASON_CODE] == "ongeldig-bericht", name
        assert h[dl.HEADER_REASON].startswith("ongeldig-bericht: "), name
        value = HOSTILE[name][0]
        if len(value) > dl.MAX_VALUE:
            assert h[dl.HEADER_VALUE_CUT] == "true"
            assert h[dl.HEADER_VALUE_SIZE] == str(len(value))
            assert record.value == value[: dl.MAX_VALUE]
        else:
            assert record.value == value, name
    assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"


async def test_a_back_office_down_is_reported_at_once_never_dead_lettered_then_answered(
    kafka_bootstrap: str, keys_dir: Path
):
    port = free_port()
    event = sealed("cjib", BSN, keys_dir)
    async with connector_in_process(
        "cjib", kafka_bootstrap, keys_dir, f"http://127.0.0.1:{port}", vanaf_einde=True
    ):
        meta = await publish_instruction(kafka_bootstrap, event)
        (report,) = await _reports(kafka_bootstrap, event, timeout=BOUND_SECONDS)
        assert report["data"]["definitief"] is False
        assert report["data"]["redencode"] == "backoffice-onbereikbaar"
        assert report["data"]["pogingen"] >= 1
        assert await dead_letters_so_far(kafka_bootstrap, _from(meta, event.subject.encode())) == []

        server = _serve(port)  # the back-office comes back
        try:
            answer = await _answer(kafka_bootstrap, event)
        finally:
            server.shutdown()
            server.server_close()
        assert await dead_letters_so_far(kafka_bootstrap, _from(meta, event.subject.encode())) == []
    assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
    assert answer["data"]["instructie_id"] == event.id
