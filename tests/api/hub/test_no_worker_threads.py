"""The API serves a request on its event loop: no dependency hands it to a worker thread.

FastAPI runs a dependency that is a plain function (``def``) in anyio's worker threads: the
request waits for a thread to be woken, to take the interpreter lock, and for the event loop to be
woken back. The hub's dependencies (the hub itself, the proven caller and its role) read one
attribute each: on a busy machine each hand-over cost the order's ``POST`` and every poll of the
loket a wait of a scheduler slice, twice. They are ``async`` now.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest

from tests.api.hub.test_api import order, submit_casus


@pytest.fixture
def hand_overs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What of the hub's own code is handed to a worker thread, by name, while the test runs
    (the test's in-memory broker hands FastStream's own work to threads too: not the API's)."""
    seen: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        inner = getattr(func, "func", func)
        if getattr(inner, "__module__", "").startswith("hub."):
            seen.append(getattr(inner, "__qualname__", type(inner).__qualname__))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return seen


async def test_an_order_and_its_polls_use_no_worker_thread(loket, hand_overs):
    casus_id = await submit_casus(loket)
    chain = await order(loket)
    polled = await loket.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")
    listed = await loket.get("/api/v1/casussen")
    shown = await loket.get(f"/api/v1/casussen/{casus_id}")

    assert [r.status_code for r in (polled, listed, shown)] == [200, 200, 200]
    assert hand_overs == []


async def test_a_caller_without_the_role_is_refused_on_the_loop(loket, clients, hand_overs):
    refused = await clients(loket.app, "cjib").post("/api/v1/casussen", json={})

    assert refused.status_code == 403
    assert hand_overs == []
