"""A simulated back-office takes many requests at once, as a connector draining a backlog sends
them: each registered once, under its own reference, and answered on the event loop (no worker
thread per request: handing each request to a thread and back was a fifth of the simulator's CPU
during a catch-up, ``bench/catchup.py``)."""

from __future__ import annotations

import asyncio

import anyio.to_thread
import pytest

from tests.api.simulators.test_cjib import PAD, verzoek


@pytest.fixture
def naar_threads(monkeypatch) -> list[object]:
    """Every call the app hands to a worker thread."""
    calls: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def tellend(func, *args, **kwargs):
        calls.append(func)
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", tellend)
    return calls


async def test_requests_at_once_are_each_registered_once_without_a_worker_thread(
    cjib_client, naar_threads
):
    uniek = [cjib_client.post(PAD, json=verzoek(sleutel=f"k-{i}")) for i in range(40)]
    herhaald = [cjib_client.post(PAD, json=verzoek(sleutel="k-dubbel")) for _ in range(10)]
    antwoorden = await asyncio.gather(*uniek, *herhaald)

    assert {a.status_code for a in antwoorden} == {201}
    referenties = [a.json()["cjibReferentie"] for a in antwoorden]
    assert len(set(referenties[:40])) == 40  # each its own
    assert len(set(referenties[40:])) == 1  # the same request: one suspension, one reference
    opgeslagen = (await cjib_client.get("/_simulator/opschortingen")).json()
    assert opgeslagen["aantal"] == 41
    assert naar_threads == []
