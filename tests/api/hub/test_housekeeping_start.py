"""The hub's housekeeping (the expiry watcher, the retention and feed purges) first runs ten
seconds after the hub started, or after its interval when that is shorter; the consumer lag is
measured at once (``hub.bootstrap.FIRST_ROUND_SECONDS``)."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from hub.adapters import periodic
from hub.app import create_app
from hub.settings import Settings
from tests.api.hub.conftest import running, wait_for


@pytest.mark.parametrize(("expiry_check", "first_expiry_round"), [(60.0, 10.0), (1.0, 1.0)])
async def test_housekeeping_first_runs_once_the_hub_has_started(
    hub_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    expiry_check: float,
    first_expiry_round: float,
) -> None:
    first_round: dict[str, float] = {}
    real_every = periodic.every

    async def every(seconds: float, job: Any, *, name: str, **kwargs: Any) -> None:
        first_round[name] = kwargs.get("first_after", 0.0)
        await real_every(seconds, job, name=name, **kwargs)

    monkeypatch.setattr(periodic, "every", every)
    app = create_app(hub_settings.model_copy(update={"expiry_check_seconds": expiry_check}))
    async with TestKafkaBroker(app.state.broker), running(app):
        await wait_for(lambda: len(first_round) == 4)
    assert first_round == {
        "expiry-watcher": first_expiry_round,
        "retention-purge": 10.0,
        "aflevering-purge": 10.0,
        "consumer-lag": 0.0,
    }
