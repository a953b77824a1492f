"""Information sharing under the afstemmingsbepaling through the whole chain: hub, connectors and
simulated back-offices as processes on the real broker.

A debt overview of a household across every agency, a time-out ordered from it, a request
answered for the requester's key only, a refusal, and an answer that tries to carry a category
nobody asked for (set aside by the hub, the request then answered for real).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas import make_event
from schemas.informatie import (
    Gegeven,
    Gegevenscategorie,
    InformatieVerstrekt,
    VorderingInhoud,
)
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import (
    Topic,
    informatie_antwoord_topic,
    informatie_verzoek_topic,
    instructie_topic,
)
from schemas.versleuteling import (
    generate_private_key,
    load_public_key,
    open_sealed,
    public_key_text,
    seal,
)
from simulators import AGENCIES
from tests.support.kafka import client_kwargs, publish_event
from tests.support.loket import casus_body, vandaag

pytestmark = pytest.mark.e2e

HUISHOUDEN = "999990019"
"""Seeded at every back-office with open claims (README: the debt overview figures)."""
PARTNER = "999990020"
"""The partner: claims at every agency but DUO, unknown there."""
AFGESCHERMD = "999990111"
"""Known to the back-offices, but shielded: they refuse to share about this person."""
TOTALEN = {
    "belastingdienst": 290750,
    "cjib": 117800,
    "duo": 1845000,
    "uwv": 415500,
    "ind": 163400,
    "cak": 124900,
    "svb": 59250,
    "gemeente": 235000,
}
"""Outstanding cents of the household (both persons) per agency."""
AANVRAGER = {
    "belastingdienst": 225250,
    "cjib": 68900,
    "duo": 1845000,
    "uwv": 121500,
    "ind": 24300,
    "cak": 102100,
    "svb": 41250,
    "gemeente": 45000,
}
"""Outstanding cents of 999990019 alone."""
GEVRAAGD = ("belastingdienst", "cjib", "cak", "svb", "uwv", "ind")
"""Asked about the applicant and the shielded person in one request."""
GRONDSLAG = {"regeling": "Wet aanpak meervoudige problematiek sociaal domein"}


async def nieuwe_casus(client: httpx.AsyncClient, *bsns: str) -> dict[str, Any]:
    casus = await client.post("/api/v1/casussen", json=casus_body(*bsns))
    assert casus.status_code == 201, casus.text
    body: dict[str, Any] = casus.json()
    return body


def pseudoniemen(casus: dict[str, Any]) -> list[str]:
    return [lid["pseudoniem"] for lid in casus["huishouden"]]


async def wacht_op(
    client: httpx.AsyncClient, url: str, klaar: Any, within: float = 60.0
) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            response = await client.get(url)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if klaar(body):
                return body
            await asyncio.sleep(0.1)


async def test_debt_overview_lists_every_claim_and_a_time_out_follows_from_it(stack):
    async with stack.client(timeout=10) as loket:
        casus = await nieuwe_casus(loket, HUISHOUDEN, PARTNER)
        started = time.perf_counter()
        gevraagd = await loket.post(f"/api/v1/casussen/{casus['casus_id']}/schuldenoverzichten")
        assert gevraagd.status_code == 201, gevraagd.text
        url = f"/api/v1/schuldenoverzichten/{gevraagd.json()['schuldenoverzicht_id']}"
        overzicht = await wacht_op(loket, url, lambda o: o["compleet"])
        seconds = time.perf_counter() - started
        print(f"\ndebt overview of {len(AGENCIES)} agencies: {seconds:.2f}s")

        per = {u["uitvoerder"]: u for u in overzicht["uitvoerders"]}
        assert set(per) == set(AGENCIES)
        for agency, totaal in TOTALEN.items():
            deel = per[agency]
            assert deel["status"] != "pending", deel
            assert deel["totaal_openstaand_centen"] == totaal, agency
            assert sum(v["openstaand_bedrag_centen"] for v in deel["vorderingen"]) == totaal
            assert all(v["referentie"] and v["soort"] for v in deel["vorderingen"])
        assert overzicht["totaal_openstaand_centen"] == sum(TOTALEN.values()) == 3251600
        assert overzicht["ontbrekend"] == [] and overzicht["late"] == []

        claims = {a: {v["referentie"] for v in per[a]["vorderingen"]} for a in AGENCIES}
        betwist = {
            v["referentie"]
            for a in AGENCIES
            for v in per[a]["vorderingen"]
            if v["bezwaar_of_beroep"]
        }
        start = vandaag()
        ordered = await loket.post(
            f"{url}/opschortingen",
            json={
                "ingangsdatum": start.isoformat(),
                "einddatum": (start + dt.timedelta(days=90)).isoformat(),
                "maatregelen": ["invordering", "beslag", "verrekening"],
                "grondslag": "Time-outbevoegdheid Landelijk Maatwerkloket",
                "reden": "Ruimte voor een schuldregeling op grond van het overzicht",
            },
        )
        assert ordered.status_code == 201, ordered.text
        time_out = await wacht_op(
            loket,
            f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}",
            lambda o: o["status"] != "pending",
        )
    print(f"time-out from the overview: {time_out['status']}")
    assert betwist, "the partner's claims under objection or appeal are in the overview"
    # DUO knows only the applicant: it got only the applicant, and paused the claim.
    assert {link["uitvoerder"]: link["status"] for link in time_out["keten"]}["duo"] == "confirmed"
    for link in time_out["keten"]:
        # Exactly the overview's claims; each agency suspends at least those not under objection
        # or appeal (what it does with a contested one is its own rule), unless the law keeps it
        # from it (the UWV cannot stop a set-off a court ordered).
        assert {v["vordering"] for v in link["vorderingen"]} == claims[link["uitvoerder"]]
        for v in link["vorderingen"]:
            uitgesloten = v.get("redencode") == "wettelijk-uitgesloten"
            assert v["opgeschort"] or v["vordering"] in betwist or uitgesloten, (
                link["uitvoerder"],
                v,
            )


async def test_a_request_answers_for_the_requesters_key_only_and_a_shielded_person_is_refused(
    stack,
):
    sleutel = generate_private_key()
    async with stack.client(timeout=10) as loket:
        casus = await nieuwe_casus(loket, HUISHOUDEN, AFGESCHERMD)
        aanvrager, afgeschermd = pseudoniemen(casus)
        started = time.perf_counter()
        gevraagd = await loket.post(
            f"/api/v1/casussen/{casus['casus_id']}/informatieverzoeken",
            json={
                "doel": "schuldenoverzicht",
                "grondslag": GRONDSLAG,
                "uitvoerders": [
                    {"uitvoerder": agency, "categorieen": ["vorderingen"]} for agency in GEVRAAGD
                ],
                "personen": [aanvrager, afgeschermd],
                "ontvanger_sleutel": public_key_text(sleutel.public_key()),
            },
        )
        assert gevraagd.status_code == 201, gevraagd.text
        url = f"/api/v1/informatieverzoeken/{gevraagd.json()['informatieverzoek_id']}"
        verzoek = await wacht_op(loket, url, lambda v: v["status"] != "pending")
        seconds = time.perf_counter() - started
        print(f"\ninformation request, {len(GEVRAAGD)} agencies, two persons: {seconds:.2f}s")

    antwoorden = {(a["uitvoerder"], a["pseudoniem"]): a for a in verzoek["antwoorden"]}
    assert len(antwoorden) == 2 * len(GEVRAAGD)
    for agency in GEVRAAGD:
        geweigerd = antwoorden[(agency, afgeschermd)]
        assert geweigerd["status"] == "refused", geweigerd
        assert geweigerd["redencode"] == "geen-grondslag"
        assert geweigerd["gegevens"] == []

        verstrekt = antwoorden[(agency, aanvrager)]
        assert verstrekt["status"] == "confirmed", verstrekt
        claims = []
        for gegeven in verstrekt["gegevens"]:
            assert gegeven["categorie"] == "vorderingen"
            assert gegeven["inhoud"] is None, "the hub cannot read what is sealed for the loket"
            claims.append(
                VorderingInhoud.model_validate_json(
                    open_sealed(gegeven["inhoud_verzegeld"], sleutel)
                )
            )
        assert sum(c.openstaand_bedrag_centen for c in claims) == AANVRAGER[agency]

    async with stack.client(timeout=10) as loket:
        log = await loket.get(
            "/api/v1/verwerkingen", params={"pseudoniem": aanvrager, "per_pagina": 100}
        )
    assert log.status_code == 200, log.text
    gedeeld = [v for v in log.json()["verwerkingen"] if "vorderingen" in v["categorieen"]]
    # Who shared what about this person, and why: each agency's answer is in the log.
    verstrekkers = {v["verstrekker"] for v in gedeeld}
    assert {UITVOERDERS[Uitvoerder(a)].oin for a in GEVRAAGD} <= verstrekkers
    assert all(v["doel"] and v["grondslag"] for v in gedeeld)


async def test_an_answer_carrying_a_category_not_asked_is_set_aside(stack, kafka_bootstrap):
    duo = stack.simulator_urls["duo"]
    async with httpx.AsyncClient(base_url=duo) as back_office:
        # DUO's back-office is away: the connector keeps retrying, the request stays open.
        fault = await back_office.post("/_simulator/storingen", json={"status": 503})
        assert fault.status_code == 201, fault.text
    try:
        async with stack.client(timeout=10) as loket:
            casus = await nieuwe_casus(loket, HUISHOUDEN)
            (aanvrager,) = pseudoniemen(casus)
            gevraagd = await loket.post(
                f"/api/v1/casussen/{casus['casus_id']}/informatieverzoeken",
                json={
                    "doel": "schuldenoverzicht",
                    "grondslag": GRONDSLAG,
                    "uitvoerders": [{"uitvoerder": "duo", "categorieen": ["vorderingen"]}],
                    "personen": [aanvrager],
                },
            )
            assert gevraagd.status_code == 201, gevraagd.text
            url = f"/api/v1/informatieverzoeken/{gevraagd.json()['informatieverzoek_id']}"
            verzoek = (await loket.get(url)).json()
        (link,) = verzoek["antwoorden"]

        # An answer as DUO's own system, on its own topic, that also hands over allowances.
        hub_key = await hub_public_key(stack)
        extra = (Gegevenscategorie.VORDERINGEN, Gegevenscategorie.TOESLAGEN)
        vervalst = make_event(
            InformatieVerstrekt(
                verzoek_id=verzoek["informatieverzoek_id"],
                casus_id=casus["casus_id"],
                verstrekker=Uitvoerder.DUO,
                verzoek_event_id=link["instructie_id"],
                gevraagde_categorieen=extra,
                gegevens=tuple(
                    Gegeven(
                        categorie=c,
                        pseudoniem=aanvrager,
                        inhoud=seal("ook dit", hub_key),
                        peildatum=vandaag(),
                    )
                    for c in extra
                ),
                verstrekt_op=dt.datetime.now(dt.UTC),
            ),
            source=UITVOERDERS[Uitvoerder.DUO].source,
            subject=casus["casus_id"],
            event_id=str(uuid.uuid4()),
        )
        await publish_event(
            kafka_bootstrap,
            informatie_antwoord_topic("duo").name,
            vervalst.model_dump(mode="json"),
            als="duo",
        )
        async with stack.client("beheer", timeout=10) as operator:
            brief = await wacht_op(
                operator,
                f"/api/v1/ops/dead-letters?event_type={InformatieVerstrekt.event_type}",
                lambda p: any(i["event_id"] == vervalst.id for i in p["items"]),
            )
        (letter,) = [i for i in brief["items"] if i["event_id"] == vervalst.id]
        assert letter["redencode"] == "antwoord-afgewezen"
        assert "toeslagen" in letter["reason"]
        async with stack.client(timeout=10) as loket:
            assert (await loket.get(url)).json()["antwoorden"][0]["status"] in (
                "pending",
                "undeliverable",
            )
    finally:
        async with httpx.AsyncClient(base_url=duo) as back_office:
            await back_office.delete("/_simulator/storingen")

    async with stack.client(timeout=10) as loket:
        verzoek = await wacht_op(loket, url, lambda v: v["status"] != "pending", within=90)
    (link,) = verzoek["antwoorden"]
    assert link["status"] == "confirmed", link
    assert {g["categorie"] for g in link["gegevens"]} == {"vorderingen"}
    opened = [VorderingInhoud.model_validate_json(g["inhoud"]) for g in link["gegevens"]]
    assert sum(c.openstaand_bedrag_centen for c in opened) == AANVRAGER["duo"]


async def hub_public_key(stack) -> Any:
    async with stack.client("duo", timeout=10) as duo:
        pem = (await duo.get("/api/v1/sleutels/hub")).json()["public_key_pem"]
    return load_public_key(pem.encode())


async def all_records(bootstrap: str, topic: Topic) -> list[bytes]:
    """Every record value on ``topic`` now (read as the test's admin)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **client_kwargs()
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        values: list[bytes] = []
        async with asyncio.timeout(30):
            while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    values.extend(r.value or b"" for r in records)
        return values
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()


async def test_no_bsn_on_any_topic_table_or_log_line_of_these_flows(stack, kafka_bootstrap):
    """Runs last in this module: the flows above sent both persons through hub, connectors and
    back-offices; neither BSN may show on a topic they used, in the hub's tables or in any
    process's output (URLs included: the access logs are part of it)."""
    bsns = (HUISHOUDEN.encode(), PARTNER.encode(), AFGESCHERMD.encode())
    topics = [
        *(informatie_verzoek_topic(a) for a in AGENCIES),
        *(informatie_antwoord_topic(a) for a in AGENCIES),
        *(instructie_topic(a) for a in AGENCIES),
    ]
    for topic in topics:
        values = await all_records(kafka_bootstrap, topic)
        assert values or topic in topics[-len(AGENCIES) :], f"nothing read from {topic.name}"
        for value in values:
            assert not any(bsn in value for bsn in bsns), f"BSN in clear on {topic.name}"
    database = stack.logs.parent / "hub.sqlite3"
    for path in (database, *database.parent.glob("hub.sqlite3-*")):
        content = path.read_bytes()
        assert not any(bsn in content for bsn in bsns), f"BSN in clear in {path.name}"
    for log in stack.logs.glob("*.log"):
        text = log.read_bytes()
        assert not any(bsn in text for bsn in bsns), f"BSN in clear in {log.name}"
