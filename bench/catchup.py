"""P5 catch-up: a back-office away while instructions queue; once back, how fast its connector
drains the backlog.

One agency (the CJIB by default), after the main stack has stopped (no other connector of that
agency reads its topic then, and the hub is not there to answer): its connector runs as its own
process, as ``make run`` starts it, pointed at a back-office address where nothing listens yet.
The bench then writes ``instructions`` time-out instructions on the agency's instruction topic as
the hub writes them (the real contract, ``OpschortingInstructie`` in a CloudEvent, BSNs sealed for
the agency's key, keyed by casus id, as the hub's principal), waits until the connector has
reported the back-office away (its ``AfleveringMislukt``, ``backoffice-onbereikbaar``), and only
then starts the simulated back-office on that address.

The drain rate is the answers per second from the moment the back-office answered its health
check (or the first instruction, when the connector's probe was there first) to the last answer
on the agency's answer topic (each answer's broker timestamp, so the bench's own reading does not
count). The first answer's delay is reported too: the connector was waiting out its retry backoff
when the back-office came back (it probes once per ``CONNECTOR_RETRY_PROBE_INTERVAL``,
:mod:`connectors.base.bereikbaarheid`). Beside them the CPU
seconds per instruction of the connector and of the back-office over the drain: unlike the rate,
they hardly depend on what else the machine is doing.

The simulator alone, for comparison: the same requests (the connector's own translation of fresh
instructions) sent straight to the back-office, as many at a time as the connector has in flight
(:data:`~connectors.base.gelijktijdig.MAX_GELIJKTIJDIG`); its requests/s says whether the
back-office could have been the bottleneck.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.chain import BSN
from bench.report import Figure, at_least
from connectors.base.backoffice import BackofficeClient, HttpVerzoek
from connectors.base.gelijktijdig import MAX_GELIJKTIJDIG
from connectors.base.koppeling import laad_koppeling
from connectors.base.opdracht import Opdracht
from connectors.base.sleutels import laad_private_key, maak_sleutelpaar
from schemas import CONTENT_TYPE
from schemas.opschorting import OpschortingInstructie
from schemas.topics import AFLEVERING_MISLUKT, instructie_topic, opschorting_antwoord_topic
from tests.support.kafka import client_kwargs, connector_group_at_end, decode_event
from tests.support.processes import ManagedProcess, console_script, free_ports, start_process
from tests.support.stack import tls_env
from tests.unit.connectors.berichten import instructie

AGENCY = "cjib"
DRAIN_TIMEOUT = 900.0
"""Seconds the whole backlog may take once the back-office is back before the run gives up."""


@dataclass(frozen=True)
class CatchUp:
    agency: str
    instructions: int
    back_at: float
    """Epoch seconds: the back-office answered its health check, or the first instruction if
    that was earlier (the connector's probe can find it listening before the bench's look)."""
    answered: list[float]
    """Epoch seconds (broker timestamps) of each instruction's first answer, in order."""
    simulator_alone_per_s: float
    simulator_requests: int
    connector_cpu: float
    """CPU seconds (user + system) of the connector from the back-office back to the last answer."""
    backoffice_cpu: float
    """The same of the simulated back-office."""

    @property
    def drain_seconds(self) -> float:
        return self.answered[-1] - self.back_at

    @property
    def drain_per_s(self) -> float:
        """Instructions answered per second, from the back-office back to the last answer."""
        return len(self.answered) / max(self.drain_seconds, 1e-3)

    @property
    def first_answer_seconds(self) -> float:
        return self.answered[0] - self.back_at

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per instruction."""
        return 1000 * seconds / len(self.answered)


def measure_catch_up(
    bootstrap: str, root: Path, instructions: int, agency: str = AGENCY
) -> CatchUp:
    """The whole P5 run (see the module docstring); processes under ``root``."""
    keys, logs = root / "catchup-keys", root / "logs"
    maak_sleutelpaar(keys, agency)
    backoffice_port, simulator_port = free_ports(2)
    connector = _start_connector(bootstrap, agency, keys, logs, backoffice_port)
    try:
        return asyncio.run(
            _measure(
                bootstrap, agency, keys, logs, instructions, backoffice_port, simulator_port,
                connector.pid,
            )
        )  # fmt: skip
    finally:
        connector.terminate()


def _start_connector(
    bootstrap: str, agency: str, keys: Path, logs: Path, backoffice_port: int
) -> ManagedProcess:
    return start_process(
        f"catchup-connector-{agency}",
        [console_script("maatwerk-connector"), "run", "--agency", agency],
        env={
            "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "CONNECTOR_BACKOFFICE_URL": f"http://127.0.0.1:{backoffice_port}",
            "CONNECTOR_KEYS_DIR": str(keys),
            "CONNECTOR_GROUP_ID": connector_group_at_end(bootstrap, agency),
            **tls_env("CONNECTOR_", agency),
        },
        log_dir=logs,
    )


async def _measure(
    bootstrap: str,
    agency: str,
    keys: Path,
    logs: Path,
    count: int,
    backoffice_port: int,
    simulator_port: int,
    connector_pid: int,
) -> CatchUp:
    public = laad_private_key(keys, agency).public_key()
    events = [instructie(agency, [BSN], public) for _ in range(count)]
    ids = {e.id for e in events}
    async with _AnswerReader(bootstrap, agency, ids) as reader:
        await _produce(bootstrap, agency, events)
        await reader.until_reported_away()
        backoffice = _start_simulator(agency, backoffice_port, logs)
        back_at = time.time()
        cpu_at_back = cpu_seconds(connector_pid), cpu_seconds(backoffice.pid)
        try:
            answered = await reader.until_all_answered(DRAIN_TIMEOUT)
            cpu = cpu_seconds(connector_pid), cpu_seconds(backoffice.pid)
        finally:
            backoffice.terminate()
    # The simulator alone, on a fresh one of its own (its store empty, as the other's was).
    simulator = _start_simulator(agency, simulator_port, logs)
    try:
        requests = min(count, 2000)
        alone = await simulator_alone(f"http://127.0.0.1:{simulator_port}", agency, requests, keys)
    finally:
        simulator.terminate()
    return CatchUp(
        agency, count, min(back_at, answered[0]), answered, alone, requests,
        connector_cpu=cpu[0] - cpu_at_back[0], backoffice_cpu=cpu[1] - cpu_at_back[1],
    )  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_simulator(agency: str, port: int, logs: Path) -> ManagedProcess:
    return start_process(
        f"catchup-simulator-{agency}-{port}",
        [console_script("maatwerk-simulator"), "run", "--agency", agency, "--port", str(port)],
        log_dir=logs,
        health_url=f"http://127.0.0.1:{port}/health",
    )


async def _produce(bootstrap: str, agency: str, events: list[Any]) -> None:
    """The instructions as the hub's outbox relay writes them: as the hub, keyed by casus."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        **client_kwargs("hub"),
    )
    await producer.start()
    try:
        topic = instructie_topic(agency).name
        header = [("content-type", CONTENT_TYPE.encode())]
        sent = [
            await producer.send(topic, e.to_bytes(), key=e.subject.encode(), headers=header)
            for e in events
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


class _AnswerReader:
    """Reads the agency's answer topic from its current end, in the background: the reports of
    the back-office away and the first answer to each of ``ids``."""

    def __init__(self, bootstrap: str, agency: str, ids: set[str]) -> None:
        self.topic = opschorting_antwoord_topic(agency)
        self.ids = ids
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, **client_kwargs()
        )
        self.answered: dict[str, float] = {}
        self.away = asyncio.Event()
        self.done = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _AnswerReader:
        await self.consumer.start()
        partitions = [TopicPartition(self.topic.name, p) for p in range(self.topic.partitions)]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)
        for tp in partitions:
            await self.consumer.position(tp)  # fixed now: nothing written after it is missed
        self.task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.consumer.stop()

    async def _read(self) -> None:
        while not self.done.is_set():
            batches = await self.consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batches.values():
                for record in records:
                    event = decode_event(record.value) or {}
                    instructie_id = (event.get("data") or {}).get("instructie_id")
                    if instructie_id not in self.ids:
                        continue
                    if event.get("type") == AFLEVERING_MISLUKT:
                        self.away.set()
                    else:
                        self.answered.setdefault(instructie_id, record.timestamp / 1000)
            if len(self.answered) == len(self.ids):
                self.done.set()

    async def until_reported_away(self, timeout: float = 120.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            await self.away.wait()

    async def until_all_answered(self, timeout: float) -> list[float]:  # noqa: ASYNC109
        try:
            async with asyncio.timeout(timeout):
                await self.done.wait()
        except TimeoutError:
            raise TimeoutError(
                f"{len(self.answered)} of {len(self.ids)} instructions answered in {timeout} s"
            ) from None
        return sorted(self.answered.values())


async def simulator_alone(url: str, agency: str, requests: int, keys: Path) -> float:
    """The back-office's own rate: ``requests`` of the connector's requests for fresh
    instructions (its translation, its HTTP client), as many at a time as the connector has in
    flight; requests/s."""
    vertaling = laad_koppeling(agency).vertalingen[OpschortingInstructie.event_type]
    public = laad_private_key(keys, agency).public_key()
    verzoeken: list[HttpVerzoek] = []
    for _ in range(requests):
        event = instructie(agency, [BSN], public)
        verzoek = vertaling.naar_verzoek(Opdracht(event.id, event.data, (BSN,)))
        assert isinstance(verzoek, HttpVerzoek), verzoek
        verzoeken.append(verzoek)
    limit = asyncio.Semaphore(MAX_GELIJKTIJDIG)
    async with BackofficeClient(base_url=url, timeout=30.0) as client:

        async def one(verzoek: HttpVerzoek) -> None:
            async with limit:
                antwoord = await client.stuur(verzoek)
                assert antwoord.status < 300, antwoord

        started = time.perf_counter()
        await asyncio.gather(*(one(v) for v in verzoeken))
        return requests / (time.perf_counter() - started)


def figures(run: CatchUp) -> list[Figure]:
    """P5 beside the simulator alone (the back-office's own ceiling)."""
    return [
        Figure(
            "P5 catch-up drain",
            run.drain_per_s,
            "instructions/s",
            run.simulator_alone_per_s,
            at_least(500, "instructions/s"),
        )
    ]


def details(run: CatchUp) -> list[str]:
    return [
        f"P5: {run.instructions} time-out instructions queued for the {run.agency} while its "
        f"back-office was away; all answered {run.drain_seconds:.1f} s after it was back "
        f"(first answer after {run.first_answer_seconds:.1f} s: the connector's probe); CPU per "
        f"instruction: connector {run.cpu_ms(run.connector_cpu):.2f} ms, back-office "
        f"{run.cpu_ms(run.backoffice_cpu):.2f} ms; the simulator alone: "
        f"{run.simulator_alone_per_s:.0f} requests/s ({run.simulator_requests} requests, "
        f"{MAX_GELIJKTIJDIG} at a time)"
    ]
