"""Long-running background tasks that never die in silence.

A bare ``asyncio.create_task(loop())`` that raises ends for good, and nobody notices: the process
keeps answering its health check while, say, the outbox is no longer sent. :class:`Supervisor`
runs each task in a loop of its own: a task that raises (or returns: a long-running task must not
end) is logged with its traceback, counted (``on_crash``, the process's metric), reported down
(:meth:`Supervisor.report`, read by ``/health`` and ``/ready``) and started again after a bounded
backoff (:class:`~schemas.backoff.Backoff`: 1 s, 2 s, 4 s ... at most a minute). A task that ran
``stable_after`` seconds before it crashed starts again from the shortest wait.

Cancellation (the process stopping) is not a crash: it ends the task and its supervision.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import structlog

from schemas.backoff import Backoff
from schemas.deadletter import mask_bsn_like

log = structlog.get_logger(__name__)

RESTART_BACKOFF = Backoff(initial=1.0, maximum=60.0)
"""Wait before a crashed task starts again, by crashes in a row."""

State = Literal["running", "restarting"]
Loop = Callable[..., Awaitable[None]]


@dataclass(slots=True)
class TaskStatus:
    """What ``/health`` tells of one supervised task."""

    name: str
    state: State = "running"
    crashes: int = 0
    """Crashes since the process started."""
    in_a_row: int = 0
    """Crashes in a row, each after less than ``stable_after`` seconds of running."""
    last_error: str | None = None
    """The last crash's exception type and (masked, cut) message."""
    down_since: float | None = None
    """Monotonic time of the crash the task is restarting from; ``None`` while it runs."""
    failing_since: float | None = None
    """Monotonic time of the first of the crashes in a row (a run of ``stable_after`` seconds
    ends the row)."""
    running_since: float = 0.0

    def failing_for(self, now: float) -> float:
        """While the task is down: how long it has been crashing (its crashes in a row, with
        the short runs between them). 0 while it runs: a liveness probe must not restart a
        process whose task has just come back."""
        if self.failing_since is None or self.down_since is None:
            return 0.0
        return now - self.failing_since

    def as_dict(self, now: float) -> dict[str, object]:
        return {
            "state": self.state,
            "crashes": self.crashes,
            "last_error": self.last_error,
            "down_seconds": None if self.down_since is None else round(now - self.down_since, 1),
            "failing_seconds": round(self.failing_for(now), 1),
        }


class Supervisor:
    """Starts, watches and restarts the long-running tasks of one process."""

    def __init__(
        self,
        *,
        backoff: Backoff = RESTART_BACKOFF,
        stable_after: float = 60.0,
        on_crash: Callable[[str], object] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backoff = backoff
        self._stable_after = stable_after
        self._on_crash = on_crash
        self._sleep = sleep
        self._clock = clock
        self.tasks: dict[str, TaskStatus] = {}
        self._running: list[asyncio.Task[None]] = []
        self._started: list[str] = []
        """The tasks :meth:`start` made (not the guarded loops, which outlive a stop)."""

    def start(self, name: str, job: Callable[[], Awaitable[object]]) -> asyncio.Task[None]:
        """Run ``job()`` under supervision; ``job`` is called again for each restart."""
        if name in self.tasks:
            raise ValueError(f"a task named {name!r} is supervised already")
        self.tasks[name] = TaskStatus(name)
        task = asyncio.create_task(self._supervise(name, job), name=name)
        self._running.append(task)
        self._started.append(name)
        return task

    async def _supervise(self, name: str, job: Callable[[], Awaitable[object]]) -> None:
        status = self.tasks[name]
        status.running_since = self._clock()
        while True:
            error: Exception | None = None
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = exc
            await self._sleep(self._crashed(status, error))
            self._restarted(status)

    def guard(self, name: str, loop: Callable[..., Awaitable[object]]) -> Loop:
        """``loop`` for a task that someone else restarts when it raises (FastStream's consume
        loops: its subscriber starts the loop again at once). The crash is logged, counted and
        reported here as for :meth:`start`, and the loop's next start waits the backoff first,
        so a loop that fails at once each time does not spin."""
        status = self.tasks.setdefault(name, TaskStatus(name))
        pending = [0.0]

        async def guarded(*args: Any, **kwargs: Any) -> None:
            if pending[0]:
                await self._sleep(pending[0])
                pending[0] = 0.0
                self._restarted(status)
            status.running_since = self._clock()
            try:
                await loop(*args, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                pending[0] = self._crashed(status, exc)
                raise

        return guarded

    def guard_consumers(self, subscribers: Iterable[Any]) -> None:
        """Each FastStream subscriber's consume loop guarded (:meth:`guard`), named
        ``consumer:<its handler>``. ``_run_consume_loop`` is the method a FastStream Kafka
        subscriber hands its own task supervisor (``TasksMixin.add_task``), looked up on the
        subscriber at each start; FastStream restarts it at once when it raises, so the backoff
        has to sit inside it. Call before the broker starts, once."""
        for subscriber in subscribers:
            loop = getattr(subscriber, "_run_consume_loop", None)
            if loop is None or getattr(loop, "supervised", False):
                continue
            guarded = self.guard(f"consumer:{_consumer_name(subscriber)}", loop)
            guarded.supervised = True  # type: ignore[attr-defined]
            subscriber._run_consume_loop = guarded

    def _crashed(self, status: TaskStatus, error: Exception | None) -> float:
        """Count, log and report the crash; returns the wait before the restart."""
        now = self._clock()
        if now - status.running_since >= self._stable_after:
            status.in_a_row = 0
        if status.in_a_row == 0:
            status.failing_since = now
        status.in_a_row += 1
        status.crashes += 1
        status.state = "restarting"
        status.down_since = now
        status.last_error = _describe(error)
        delay = self._backoff.delay(status.in_a_row)
        log.error(
            "background task crashed: restarting it",
            task=status.name,
            error=status.last_error,
            crashes=status.crashes,
            in_a_row=status.in_a_row,
            restart_in=delay,
            exc_info=error,
        )
        if self._on_crash is not None:
            self._on_crash(status.name)
        return delay

    def _restarted(self, status: TaskStatus) -> None:
        status.state = "running"
        status.down_since = None
        status.running_since = self._clock()
        log.info("background task restarted", task=status.name, crashes=status.crashes)

    def down(self) -> list[str]:
        """The tasks that are not running now (crashed, waiting to start again)."""
        return sorted(name for name, status in self.tasks.items() if status.state != "running")

    def failing_longer_than(self, seconds: float) -> list[str]:
        """The tasks that have kept crashing for more than ``seconds``: restarts do not help."""
        now = self._clock()
        return sorted(
            name for name, status in self.tasks.items() if status.failing_for(now) > seconds
        )

    def report(self) -> dict[str, dict[str, object]]:
        now = self._clock()
        return {name: status.as_dict(now) for name, status in sorted(self.tasks.items())}

    async def stop(self) -> None:
        """Cancel the tasks :meth:`start` made and wait until each has ended."""
        running, self._running = self._running, []
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for name in self._started:
            self.tasks.pop(name, None)
        self._started = []


ERROR_CHARS = 200


def _consumer_name(subscriber: Any) -> str:
    """Its handler's name as FastStream's AsyncAPI document gives it, else its topics."""
    specification = getattr(subscriber, "specification", None)
    name = getattr(specification, "call_name", None)
    if isinstance(name, str) and name != "Subscriber":
        return name
    return ",".join(getattr(subscriber, "topic_names", ())) or "subscriber"


def _describe(error: Exception | None) -> str:
    if error is None:
        return "returned: a long-running task ended"
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return mask_bsn_like(text)[:ERROR_CHARS]
