"""No background task of the hub dies in silence: each one that raises is logged, counted in
``/metrics``, reported by ``/ready`` (503) and ``/health`` (degraded) while it waits for its
restart, and restarted after that wait."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker
from structlog.testing import capture_logs

from hub.adapters import periodic
from hub.adapters.outbox import OutboxRelay
from hub.app import create_app
from hub.bootstrap import bootstrap
from schemas.supervision import Supervisor
from tests.api.hub.conftest import running, wait_for

PERIODIC = ("expiry-watcher", "retention-purge", "consumer-lag")
AFLEVERING = ("webhook-push", "aflevering-purge")
"""HTTPS delivery's tasks: the webhook push worker and the feed's purge."""


class Fault:
    """Makes the first start of the named task raise; later starts run the real task. Counts
    the starts."""

    def __init__(self, task: str) -> None:
        self.task = task
        self.starts = 0

    async def start(self, real: Callable[[], Awaitable[object]]) -> None:
        self.starts += 1
        if self.starts == 1:
            raise RuntimeError(f"injected fault in {self.task}")
        await real()


class HeldRestarts:
    """The supervisor's wait before a restart, held until the test lets it go."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.release = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self.release.wait()


def inject(monkeypatch: pytest.MonkeyPatch, fault: Fault) -> None:
    if fault.task == "outbox-relay":
        real_run = OutboxRelay.run

        async def run(self: OutboxRelay) -> None:
            await fault.start(lambda: real_run(self))

        monkeypatch.setattr(OutboxRelay, "run", run)
        return
    real_every = periodic.every

    async def every(seconds: float, job: Any, *, name: str, **kwargs: Any) -> None:
        if name == fault.task:
            await fault.start(lambda: real_every(seconds, job, name=name, **kwargs))
        else:
            await real_every(seconds, job, name=name, **kwargs)

    monkeypatch.setattr(periodic, "every", every)


def crashes(metrics: str, task: str) -> float:
    found = re.search(
        rf'^hub_background_task_crashes_total\{{task="{task}"\}} (\S+)$', metrics, re.M
    )
    assert found, metrics
    return float(found.group(1))


@pytest.mark.parametrize("task", ["outbox-relay", *PERIODIC, "aflevering-purge"])
async def test_a_task_that_raises_is_logged_counted_reported_and_restarted(
    task: str, hub_settings, clients, monkeypatch
) -> None:
    fault = Fault(task)
    inject(monkeypatch, fault)
    process = bootstrap(hub_settings)
    held = HeldRestarts()
    process.supervisor = Supervisor(on_crash=process.metrics.record_task_crash, sleep=held)
    app = create_app(hub_settings, process=process)
    with capture_logs() as logged:
        async with TestKafkaBroker(app.state.broker), running(app):
            await _crash_and_restart(task, app, clients, fault, held, logged)


async def _crash_and_restart(
    task: str, app: Any, clients: Any, fault: Fault, held: HeldRestarts, logged: list[Any]
) -> None:
    anoniem = clients(app, None)
    operator = clients(app, "beheer")
    await wait_for(lambda: held.waits, within=30)  # crashed, waiting for its restart

    ready = await anoniem.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["tasks"][task]["state"] == "restarting"
    assert ready.json()["tasks"][task]["last_error"] == f"RuntimeError: injected fault in {task}"
    health = await anoniem.get("/health")
    assert health.status_code == 200  # alive: the supervisor restarts it
    assert health.json()["status"] == "degraded"
    assert health.json()["tasks"][task]["crashes"] == 1
    others = {name for name, t in health.json()["tasks"].items() if t["state"] == "running"}
    consumers = {"consumer:OnAntwoord", "consumer:OnDeadLetter"}  # guarded by create_app
    assert others == ({"outbox-relay", *PERIODIC, *AFLEVERING, "kafka-log-summary"} | consumers) - {
        task
    }
    text = (await operator.get("/metrics")).text
    assert crashes(text, task) == 1
    assert f'hub_background_task_up{{task="{task}"}} 0.0' in text
    [line] = [e for e in logged if e["event"] == "background task crashed: restarting it"]
    assert line["task"] == task and line["log_level"] == "error"
    assert line["error"] == f"RuntimeError: injected fault in {task}"
    assert line["restart_in"] == 1.0 and line["exc_info"] is not None

    held.release.set()
    await wait_for(lambda: fault.starts == 2, within=30)
    ready = await anoniem.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    assert held.waits == [1.0]  # the first wait of the restart backoff
    text = (await operator.get("/metrics")).text
    assert f'hub_background_task_up{{task="{task}"}} 1.0' in text
    assert crashes(text, task) == 1


async def test_all_is_well_when_no_task_crashed(hub_app, anoniem) -> None:
    for path in ("/health", "/ready"):
        answer = await anoniem.get(path)
        assert answer.status_code == 200
        body = answer.json()
        assert body["status"] == "ok"
        assert {
            "outbox-relay",
            *PERIODIC,
            "kafka-log-summary",
            "consumer:OnAntwoord",
            "consumer:OnDeadLetter",
        } <= set(body["tasks"])
        assert {t["state"] for t in body["tasks"].values()} == {"running"}
