"""A loket time-out through the whole chain, every part a real process on a real broker."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import time

import httpx
import pytest

from bench import raw
from bench.__main__ import parse_args
from bench.report import as_json, table
from bench.run import SMOKE, details, figures, measure_hub
from simulators import AGENCIES
from tests.support.loket import casus_body, opschorting_body, vandaag
from tests.support.polling import poll_pause

pytestmark = pytest.mark.e2e

CONFIRMED_EVERYWHERE = "999990019"
"""Seeded at every simulator with claims each of them suspends."""
ALL_CJIB_CLAIMS_UNDER_APPEAL = "999990032"


async def run_order(stack, bsn: str, body: dict, within: float = 60.0) -> tuple[dict, float]:
    async with stack.client(timeout=10) as client:
        casus = await client.post("/api/v1/casussen", json=casus_body(bsn))
        assert casus.status_code == 201, casus.text
        started = time.perf_counter()
        ordered = await client.post(
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen", json=body
        )
        assert ordered.status_code == 201, ordered.text
        url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
        async with asyncio.timeout(within):
            while True:
                chain = (await client.get(url)).json()
                if chain["status"] != "pending":
                    return chain, time.perf_counter() - started
                await poll_pause()


def links(chain: dict) -> dict[str, dict]:
    return {link["uitvoerder"]: link for link in chain["keten"]}


async def test_every_agency_confirms_with_its_own_references(stack):
    chain, seconds = await run_order(stack, CONFIRMED_EVERYWHERE, opschorting_body(*AGENCIES))
    print(f"\norder -> all {len(AGENCIES)} confirmed: {seconds:.2f}s")
    assert chain["status"] == "confirmed", chain
    refs = {agency: link["referentie"] for agency, link in links(chain).items()}
    assert refs["belastingdienst"].startswith("BD-")
    assert refs["cjib"].startswith("CJIB-")
    assert refs["duo"].startswith("DUO-")
    assert refs["uwv"].startswith("UWV-IS-")
    assert refs["ind"].startswith("IND-UIT-")
    assert refs["cak"].startswith("CAK-OPS-")
    assert refs["svb"].startswith("SVB-IO-")
    assert sorted(refs) == sorted(AGENCIES)
    assert all(link["status"] == "confirmed" for link in chain["keten"])


async def test_cjib_refuses_when_every_claim_is_under_appeal(stack):
    chain, _ = await run_order(stack, ALL_CJIB_CLAIMS_UNDER_APPEAL, opschorting_body("cjib"))
    cjib = links(chain)["cjib"]
    assert cjib["status"] == "refused"
    assert cjib["redencode"] == "bezwaar-of-beroep"
    assert cjib["reden"]


async def test_duo_refuses_a_retroactive_pause(stack):
    body = opschorting_body("duo", start=vandaag() - dt.timedelta(days=60))
    chain, _ = await run_order(stack, CONFIRMED_EVERYWHERE, body)
    duo = links(chain)["duo"]
    assert duo["status"] == "refused"
    assert duo["reden"]


async def test_uwv_and_ind_refuse_by_their_own_rules(stack):
    # 999990032: at the UWV one recovery, set off by order of a court; at the IND, fees all paid.
    chain, _ = await run_order(stack, ALL_CJIB_CLAIMS_UNDER_APPEAL, opschorting_body("uwv", "ind"))
    uwv, ind = links(chain)["uwv"], links(chain)["ind"]
    assert (uwv["status"], uwv["redencode"]) == ("refused", "wettelijk-uitgesloten")
    assert uwv["reden"].startswith("RECHTERLIJKE_VERREKENING: ")
    assert (ind["status"], ind["redencode"]) == ("refused", "onbekende-vordering")
    assert ind["reden"].startswith("GEEN_OPENSTAANDE_LEGES: ")
    # The partner: one recovery stopped, the court-ordered set-off not.
    chain, _ = await run_order(stack, "999990020", opschorting_body("uwv"))
    uwv = links(chain)["uwv"]
    assert uwv["status"] == "partially_confirmed"
    per_claim = {v["vordering"]: v["opgeschort"] for v in uwv["vorderingen"]}
    assert per_claim == {"TV-ZW-2024-000120": True, "TV-WIA-2023-000220": False}


async def test_svb_refuses_an_interruption_beyond_12_months(stack):
    chain, _ = await run_order(stack, CONFIRMED_EVERYWHERE, opschorting_body("svb", days=400))
    svb = links(chain)["svb"]
    assert (svb["status"], svb["redencode"]) == ("refused", "termijn-ongeldig")
    assert svb["reden"].startswith("ONDERBREKING_LANGER_DAN_12_MAANDEN: ")


async def test_cak_stops_only_what_it_still_collects_itself(stack):
    """999990044 has one premium claim at the CAK and one handed over to the CJIB; 999990032
    only the latter."""
    chain, _ = await run_order(stack, "999990044", opschorting_body("cak"))
    cak = links(chain)["cak"]
    assert (cak["status"], chain["status"]) == ("partially_confirmed", "incomplete")
    per_claim = {v["vordering"]: (v["opgeschort"], v["redencode"]) for v in cak["vorderingen"]}
    assert per_claim == {
        "BRP-2025-000144": (True, None),
        "BRP-2022-000244": (False, "wettelijk-uitgesloten"),
    }
    chain, _ = await run_order(stack, ALL_CJIB_CLAIMS_UNDER_APPEAL, opschorting_body("cak"))
    cak = links(chain)["cak"]
    assert (cak["status"], cak["redencode"]) == ("refused", "wettelijk-uitgesloten")


async def test_cjib_partly_confirms_when_one_claim_is_under_appeal(stack):
    chain, _ = await run_order(stack, "999990020", opschorting_body("cjib"))
    cjib = links(chain)["cjib"]
    assert cjib["status"] == "partially_confirmed"
    assert cjib["referentie"].startswith("CJIB-")
    per_claim = {v["vordering"]: v["opgeschort"] for v in cjib["vorderingen"]}
    assert per_claim == {"WAHV-2025-000120": True, "WAHV-2025-000220": False}
    assert chain["status"] == "incomplete"

    # The CJIB's check before collecting: the claim under appeal is refused, not covered.
    from schemas.versleuteling import load_public_key, seal

    async with stack.client("cjib", timeout=10) as client:
        key = (await client.get("/api/v1/sleutels/hub")).json()["public_key_pem"]
        body = {"bsn_versleuteld": seal("999990020", load_public_key(key.encode()))}
        check = await client.post("/api/v1/opschortingen/controle", json=body)
    assert check.status_code == 200, check.text
    assert check.json()["in_force"] is True
    perioden = check.json()["perioden"]
    assert perioden and all(p["vorderingen"] is not None for p in perioden)
    assert not [p for p in perioden if "WAHV-2025-000220" in p["vorderingen"]]
    refused = [
        r
        for p in perioden
        for r in p["vorderingresultaten"]
        if r["vordering"] == "WAHV-2025-000220"
    ]
    assert refused and {(r["status"], r["redencode"]) for r in refused} == {
        ("refused", "bezwaar-of-beroep")
    }


async def wait_for_change(client, url: str, within: float = 60.0) -> dict:
    async with asyncio.timeout(within):
        while True:
            chain = (await client.get(url)).json()
            if chain["wijzigingen"][-1]["status"] != "pending":
                return chain
            await poll_pause()


async def back_office(stack, agency: str, referentie: str) -> dict:
    async with httpx.AsyncClient(base_url=stack.simulator_urls[agency]) as client:
        listing = (await client.get("/_simulator/opschortingen")).json()
    return next(o for o in listing["opschortingen"] if o["referentie"] == referentie)


async def test_extension_then_lifting_reach_every_back_office(stack):
    chain, _ = await run_order(stack, CONFIRMED_EVERYWHERE, opschorting_body(*AGENCIES))
    assert chain["status"] == "confirmed"
    url = f"/api/v1/opschortingen/{chain['opschorting_id']}"
    new_end = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=30)
    async with stack.client(timeout=10) as client:
        extended = await client.post(
            f"{url}/verlengingen", json={"einddatum": new_end.isoformat(), "reden": "Meer tijd"}
        )
        assert extended.status_code == 201, extended.text
        after = await wait_for_change(client, url)
        assert after["wijzigingen"][-1]["status"] == "confirmed", after["wijzigingen"]
        change_refs = {
            link["uitvoerder"]: link["referentie"] for link in after["wijzigingen"][-1]["keten"]
        }
        assert change_refs["belastingdienst"].startswith("BD-VL-")
        assert change_refs["cjib"].startswith("CJIB-WIJ-")
        assert change_refs["duo"].startswith("DUO-MUT-")
        assert change_refs["uwv"].startswith("UWV-MUT-")
        assert change_refs["ind"].startswith("IND-BES-")
        assert change_refs["cak"].startswith("CAK-MUT-")
        assert change_refs["svb"].startswith("SVB-MU-")
        for link in chain["keten"]:
            suspension = await back_office(stack, link["uitvoerder"], link["referentie"])
            assert suspension["totEnMet"] == new_end.isoformat(), link["uitvoerder"]

        lifted = await client.post(f"{url}/opheffing", json={"reden": "Regeling getroffen"})
        assert lifted.status_code == 201, lifted.text
        after = await wait_for_change(client, url)
        assert after["wijzigingen"][-1]["status"] == "confirmed", after["wijzigingen"]
        assert after["opgeheven_per"] == vandaag().isoformat()
        for link in chain["keten"]:
            suspension = await back_office(stack, link["uitvoerder"], link["referentie"])
            assert suspension["opgeheven"] is True, link["uitvoerder"]


async def test_cjib_checks_before_collecting_and_the_check_is_in_the_processing_log(stack):
    """Over HTTPS with mutual TLS: the CJIB seals the BSN for the hub; the loket then finds the
    check (and the instructions) in the person's processing log."""
    from schemas.versleuteling import load_public_key, seal

    await run_order(stack, CONFIRMED_EVERYWHERE, opschorting_body("cjib"))
    async with stack.client("cjib", timeout=10) as cjib:
        key = (await cjib.get("/api/v1/sleutels/hub")).json()["public_key_pem"]
        body = {"bsn_versleuteld": seal(CONFIRMED_EVERYWHERE, load_public_key(key.encode()))}
        timings = []
        for _ in range(20):  # the first opens the TLS connection
            started = time.perf_counter()
            check = await cjib.post("/api/v1/opschortingen/controle", json=body)
            timings.append((time.perf_counter() - started) * 1000)
        warm = sorted(timings[1:])
        print(f"\ncheck over mTLS: first {timings[0]:.1f} ms, then p50 {warm[9]:.1f} ms")
    assert check.status_code == 200, check.text
    assert check.json()["in_force"] is True
    async with stack.client(timeout=10) as loket:
        log = await loket.post(
            "/api/v1/verwerkingen/zoek", json={"bsn": CONFIRMED_EVERYWHERE, "per_pagina": 100}
        )
    doelen = {v["doel"] for v in log.json()["verwerkingen"]}
    assert {"controle-opschorting", "opschorting-instructie"} <= doelen


# `make bench ARGS=--smoke` on this module's stack and the session broker: the benchmark's every
# part runs (raw aiokafka, the loads through every agency, each process's memory, the report), so
# it never rots. Behaviour only: every figure there and plausible, every order confirmed; no timing
# thresholds (the report marks those, it never fails on them).


def test_smoke_is_the_small_plan_and_sizes_can_be_chosen():
    args, plan = parse_args(["--smoke", "--orders", "5", "--soak-seconds", "0.5", "--json"])
    assert args.json
    assert (plan.orders, plan.soak_seconds) == (5, 0.5)
    assert plan.concurrency == SMOKE.concurrency and plan.informatie
    assert parse_args(["--no-informatie"])[1].informatie is False
    chosen = parse_args(["--growth-rows", "1000000", "--catch-up", "10000"])[1]
    assert (chosen.growth_rows, chosen.catch_up) == (1_000_000, 10_000)
    assert parse_args(["--growth-rows", "0", "--catch-up", "0"])[1].growth_rows == 0


async def test_smoke_run_reports_every_figure_beside_raw_kafka(kafka_bootstrap, stack):
    reference = await raw.measure(
        kafka_bootstrap, records=SMOKE.raw_records, round_trips=SMOKE.round_trips
    )
    assert reference.pass_through_per_s > 0
    assert len(reference.round_trips) == SMOKE.round_trips
    assert all(0 < t < 30 for t in reference.round_trips)

    hub = await measure_hub(stack, AGENCIES, SMOKE)
    assert hub.informatie is not None
    for run in (hub.in_flight, hub.one_at_a_time, hub.at_rate, *hub.informatie):
        assert run.confirmed == len(run.orders) > 0, [o.status for o in run.orders]
        assert all(o.seconds > 0 for o in run.orders)
    assert len(hub.in_flight.orders) == SMOKE.orders
    assert hub.in_flight.records_per_order == 2 * len(AGENCIES)

    result = {f.name: f for f in figures(reference, hub)}
    for what in ("", " informatieverzoek"):
        p1 = result[f"P1{what} throughput"]
        assert p1.value > 0 and p1.reference == reference.pass_through_per_s
        assert p1.ratio is not None and p1.met in (True, False)
        for name in (f"P2{what} one at a time p50", f"P2{what} one at a time p99"):
            assert 0 < result[name].value < 120_000, result[name]
    assert 0 < result["P2 at 70% of P1 p99"].value < 120_000
    for process in ("hub", *(f"connector {a}" for a in AGENCIES)):
        peak = result[f"P3 {process} peak RSS"]
        assert 10 < peak.value < 4096, peak  # MiB: a real process's, not a unit mistake
    assert math.isfinite(result["P3 hub growth at 70%"].value)

    text = table(list(result.values()))
    assert all(name in text for name in result)
    printed = json.loads(json.dumps(as_json(list(result.values()))))
    assert {f["name"] for f in printed["figures"]} == set(result)
    per_order = f"{2 * len(AGENCIES)} records per order"  # an instruction and an answer each
    assert any(per_order in line for line in details(reference, hub, AGENCIES, SMOKE))


def test_no_bsn_appears_in_any_process_output(stack):
    """Runs last in this module: every BSN used above went through hub, connectors and
    simulators; none may show in what they printed."""
    for log in stack.logs.glob("*.log"):
        text = log.read_text(errors="replace")
        for bsn in (CONFIRMED_EVERYWHERE, ALL_CJIB_CLAIMS_UNDER_APPEAL, "999990020", "999990044"):
            assert bsn not in text, f"BSN in clear in {log.name}"
