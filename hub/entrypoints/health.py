"""``/health`` (liveness) and ``/ready`` (readiness): open paths, read by Kubernetes' probes.

Both tell the state of the hub's background tasks (outbox relay, expiry watcher, retention purge,
consumer-lag monitor) and of its Kafka consumers' loops (the dead-letter reader among them), as
:class:`schemas.supervision.Supervisor` keeps it:

- ``/ready``: ``503`` while any of them is down (crashed, waiting for its restart), so that a
  probe (and an operator) sees at once that, say, the outbox is not being sent;
- ``/health``: ``200`` while the process lives (``"degraded"`` with a task down), ``503`` while a
  task is down after crashing again and again for :data:`LIVENESS_FAILING_SECONDS`: restarts do
  not help, so the kubelet restarts the process. A broker outage is neither: the outbox keeps
  the orders and the relay sends them once the broker is back.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from schemas.supervision import Supervisor

LIVENESS_FAILING_SECONDS = 300.0
"""How long a task may keep crashing (with restarts in between) before ``/health`` fails."""

router = APIRouter(tags=["ops"])


class TaakStatus(BaseModel):
    state: Literal["running", "restarting"]
    crashes: int = Field(description="Crashes since the process started.")
    last_error: str | None = Field(description="The last crash's exception type and message.")
    down_seconds: float | None = Field(description="Seconds since the crash it restarts from.")
    failing_seconds: float = Field(
        description="While down: seconds it has kept crashing (0 while it runs)."
    )


class Gezondheid(BaseModel):
    status: Literal["ok", "degraded", "down"]
    tasks: dict[str, TaakStatus] = Field(
        description="Each background task and each Kafka consumer of the hub."
    )


def _state(request: Request) -> tuple[Supervisor, dict[str, dict[str, object]], list[str]]:
    supervisor: Supervisor = request.app.state.process.supervisor
    return supervisor, supervisor.report(), supervisor.down()


@router.get("/health", response_model=Gezondheid, responses={503: {"model": Gezondheid}})
async def health(request: Request, response: Response) -> Gezondheid:
    """Liveness: ``503`` only when a background task has kept crashing for five minutes."""
    supervisor, tasks, down = _state(request)
    failing = supervisor.failing_longer_than(LIVENESS_FAILING_SECONDS)
    if failing:
        response.status_code = 503
    status = "down" if failing else "degraded" if down else "ok"
    return Gezondheid.model_validate({"status": status, "tasks": tasks})


@router.get("/ready", response_model=Gezondheid, responses={503: {"model": Gezondheid}})
async def ready(request: Request, response: Response) -> Gezondheid:
    """Readiness: ``503`` while any background task or Kafka consumer is down."""
    _, tasks, down = _state(request)
    if down:
        response.status_code = 503
    return Gezondheid.model_validate({"status": "degraded" if down else "ok", "tasks": tasks})
