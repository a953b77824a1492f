"""The dashboard's series (``GET /api/v1/ops/reeksen``) and the files the dashboard page loads:
per minute what went through the hub, the latency from order to answer per agency, the lag of
the configured groups only and the dead letters per reason; uPlot served by the hub itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from importlib import resources
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from hub.adapters.consumer_lag import Lag
from hub.adapters.lag_samples import LagSamples
from hub.app import create_app
from schemas.organisaties import LOKET
from tests.api.hub.conftest import running
from tests.api.hub.test_api import AGENCIES, answer_event, order, publish
from tests.api.hub.test_ops import OPSCHORTING_ANTWOORD, Clock


@pytest.fixture
async def ops(hub_settings, clients):
    """An operator's client, with the loket's, the in-memory broker, the hub and its clock."""
    app = create_app(hub_settings)
    async with TestKafkaBroker(app.state.broker), running(app):
        clock = Clock()
        app.state.hub.deps = dataclasses.replace(app.state.hub.deps, clock=clock)
        client = clients(app, "beheer")
        client.loket = clients(app, "loket")
        client.broker = app.state.broker
        client.clock = clock
        client.hub = app.state.hub
        yield client


def minute(at: dt.datetime) -> dt.datetime:
    return at.replace(second=0, microsecond=0)


async def reeksen(client, **params) -> dict:
    response = await client.get("/api/v1/ops/reeksen", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def at_minute(body: dict, at: dt.datetime) -> int:
    return [dt.datetime.fromisoformat(m) for m in body["minuten"]].index(minute(at))


async def test_messages_latency_and_dead_letters_per_minute(ops):
    ops.clock.now = ordered = minute(ops.clock.now) + dt.timedelta(seconds=5)
    chain = await order(ops.loket)  # the casus, then one instruction to each agency
    ops.clock.now = answered = ordered + dt.timedelta(seconds=90)
    await publish(ops, answer_event(chain, "belastingdienst"))
    await publish(ops, answer_event(chain, "cjib", refused=True))
    await ops.broker.publish(b"{not json", OPSCHORTING_ANTWOORD.name, key=b"MWL-2026-0000000000")

    body = await reeksen(ops, venster=5)
    assert body["venster_minuten"] == 5 and len(body["minuten"]) == 5
    assert dt.datetime.fromisoformat(body["minuten"][-1]) == minute(answered)
    first, then = at_minute(body, ordered), at_minute(body, answered)
    per_agency = body["berichten_per_uitvoerder"]
    for agency in AGENCIES:  # the instruction out, and an answer from two of them
        assert per_agency[agency][first] == 1, agency
    answered_by = {"belastingdienst", "cjib"}
    assert {a: per_agency[a][then] for a in AGENCIES} == {
        a: int(a in answered_by) for a in AGENCIES
    }
    assert sum(sum(v) for k, v in per_agency.items() if k not in AGENCIES) == 0
    per_instrument = body["berichten_per_instrument"]
    assert per_instrument["opschorting"][then] == 2  # the two answers
    assert per_instrument["opschorting"][first] >= len(AGENCIES)  # the instructions, the order
    assert per_instrument["casus"][first] >= 1
    latency = body["latentie"]
    assert latency["p50"]["belastingdienst"][then] == pytest.approx(90, abs=1)
    assert latency["p95"]["cjib"][then] == pytest.approx(90, abs=1)
    assert latency["p50"]["belastingdienst"][first] is None
    assert "duo" not in latency["venster"]  # it has not answered
    assert latency["venster"]["cjib"]["aantal"] == 1
    assert body["dead_letters_per_reden"] == {"ongeldig-bericht": [0, 0, 0, 0, 1]}

    later = await reeksen(ops, venster=1)  # the last minute only: the order is out of it
    assert {a: later["berichten_per_uitvoerder"][a] for a in AGENCIES} == {
        a: [int(a in answered_by)] for a in AGENCIES
    }


async def test_lag_over_time_shows_only_the_hubs_groups_and_configured_connectors(ops):
    """The hub's keys connect the simulated agencies; a sample of the gemeente (here not
    configured: no key) is kept out, as a connector that runs nowhere would show a useless row
    of zeros."""
    keys = ops.hub.deps.keys

    class ZonderGemeente:
        """The hub's keys, as deployed without the gemeente's."""

        def __getattr__(self, naam: str) -> Any:
            return getattr(keys, naam)

        def is_connected(self, uitvoerder: str) -> bool:
            return uitvoerder != "gemeente" and keys.is_connected(uitvoerder)

    ops.hub.deps = dataclasses.replace(ops.hub.deps, keys=ZonderGemeente())
    samples = LagSamples(ops.hub.sessions)
    start = minute(ops.clock.now) - dt.timedelta(minutes=2)
    for n in range(3):
        lags = [
            Lag("hub", "t", 0, end=10 + n, committed=10),
            Lag("connector-cjib", "i", 0, end=5, committed=n),
            Lag("connector-cjib", "i", 1, end=5, committed=5),
            Lag("connector-gemeente", "i", 0, end=0, committed=None),
        ]
        at = start + dt.timedelta(minutes=n, seconds=1)
        assert await samples.record(at, lags)
        assert not await samples.record(at + dt.timedelta(seconds=15), lags)  # once a minute
    body = await reeksen(ops, venster=4)
    assert body["achterstand"] == {"connector-cjib": [None, 5, 4, 3], "hub": [None, 0, 1, 2]}


@pytest.mark.parametrize("venster", ["0", "1441", "-5", "een"])
async def test_a_window_out_of_range_is_422_naming_it(ops, venster):
    response = await ops.get("/api/v1/ops/reeksen", params={"venster": venster})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["venster"]


async def test_the_series_are_for_operators_only(ops):
    assert (await ops.loket.get("/api/v1/ops/reeksen")).status_code == 403


async def test_the_audit_names_the_organisation_of_the_certificate(ops):
    await order(ops.loket)
    audit = (await ops.get("/api/v1/ops/overzicht")).json()["recente_audit"]
    ordered = next(r for r in audit if r["actie"] == "opschorting.opgedragen")
    assert ordered["actor"] == f"urn:nld:oin:{LOKET.oin}"
    assert ordered["organisatie"] == LOKET.naam


VENDORED = {
    "uPlot.iife.min.js": "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f",
    "uPlot.min.css": "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04",
}


async def test_the_page_loads_its_script_style_and_uplot_from_the_hub_under_a_strict_policy(ops):
    page = await ops.get("/dashboard")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe" not in policy and "sha256-" not in policy
    html = page.text
    assert not re.search(r"<script>|<style>|\sstyle=|\son[a-z]+=", html)  # nothing inline
    assert not re.search(r"(src|href)=\"?(https?:)?//", html)  # nothing from elsewhere
    for name in re.findall(r'(?:src|href)="/dashboard/([^"]+)"', html):
        served = await ops.get(f"/dashboard/{name}")
        assert served.status_code == 200, name
        assert served.headers["x-content-type-options"] == "nosniff"
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        assert served.headers["content-type"].startswith(kind), name
        if name in VENDORED:
            assert hashlib.sha256(served.content).hexdigest() == VENDORED[name], name
    script = (await ops.get("/dashboard/dashboard.js")).text
    assert "/api/v1/ops/reeksen" in script and "innerHTML" not in script
    assert "eval(" not in script and "new Function" not in script
    readme = resources.files("hub.entrypoints").joinpath("static/uplot/README.md").read_text()
    assert all(digest in readme for digest in VENDORED.values())
    assert (await ops.get("/dashboard/../settings.py")).status_code == 404
    assert (await ops.get("/dashboard/ops.py")).status_code == 404
    assert (await ops.loket.get("/dashboard/dashboard.js")).status_code == 403
