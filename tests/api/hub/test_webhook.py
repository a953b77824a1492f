"""HTTPS delivery end to end: the hub (in-memory broker) pushes to real webhook receivers over
HTTPS (their certificates from the local CA), signed (Standard Webhooks) with a bearer token;
retries after 500, honours 429 with Retry-After, ends a subscription on 410, dead-letters after
the last attempt (shown to operators) and keeps each casus in order; a party pulls by cursor and
acknowledges; an agency's answer comes back over HTTPS through the one answer handler."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from hub.adapters.orm import AuditRow
from hub.settings import Settings
from schemas import parse_event
from schemas.organisaties import DEELNEMERS, HUB
from simulators import deelnemer
from tests.api.hub.conftest import _with_hub, wait_for
from tests.api.hub.test_api import answer_event, order, status
from tests.api.hub.test_overbrugging_api import (
    OVB,
    gemeente_in_register,
    let,
    post,
    toegekend,
)
from tests.support.loket import vandaag
from tests.support.overbrugging import aanwijzing_body, betaling_body, registerregel
from tests.support.polling import poll_pause
from tests.support.processes import free_port
from tests.support.webhook import Ontvanger, ontvanger

__all__ = ["gemeente_in_register", "let"]  # fixtures

TERUGBETALING = "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1"
INSTRUCTIE = "nl.maatwerk.opschorting.instructie.v1"
ZORGKANTOOR = DEELNEMERS[4]
TOKEN = "t0k3n-van-utrecht"
POGINGEN = 3


@pytest.fixture
def hub_settings(hub_settings: Settings, pki) -> Settings:
    return hub_settings.model_copy(
        update={
            "webhook_ca": pki.ca,
            "webhook_max_attempts": POGINGEN,
            "webhook_backoff_base_seconds": 0.05,
            "webhook_backoff_max_seconds": 0.2,
            "webhook_poll_seconds": 0.05,
            # A receiver may hold an answer until the test has placed more (below).
            "webhook_timeout_seconds": 60,
        }
    )


@pytest.fixture
async def utrecht(hub_app, gemeente_in_register):
    return _with_hub(gemeente_in_register, hub_app)


@pytest.fixture
async def receiver(pki):
    async with ontvanger(pki.cert("gemeente-utrecht")) as found:
        yield found


async def abonneer(client, ontv: Ontvanger | None, *types: str, token: str | None = None) -> dict:
    body: dict = {"protocol": "https-push" if ontv else "http-pull", "types": list(types)}
    if ontv is not None:
        body["endpoint"] = ontv.url
        if token:
            body["token"] = token
    response = await client.post("/api/v1/abonnementen", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    if ontv is not None:
        ontv.geheim, ontv.token = created["geheim"], token
    return created


async def verzoek_aan_utrecht(loket, let) -> str:
    """A bridging whose responsible party is Gemeente Utrecht: a repayment request to it."""
    ovb = await toegekend(loket)
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(90_000, vandaag(), "B1"), 201)
    await post(let, f"{OVB}/{ovb}/verantwoordelijke", aanwijzing_body())
    return ovb


async def nog_een_verzoek(loket, ovb: str, kenmerk: str) -> None:
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(10_000, vandaag(), kenmerk), 201)
    await post(loket, f"{OVB}/{ovb}/terugbetalingsverzoeken", None, 201)


async def test_a_repayment_request_is_pushed_signed_after_a_500_and_only_to_its_party(
    loket, let, utrecht, receiver, hub_app, clients, pki
):
    receiver.antwoord = lambda event, poging: (500, {}) if poging == 1 else (204, {})
    abonnement = await abonneer(utrecht, receiver, TERUGBETALING, token=TOKEN)
    assert abonnement["geheim"].startswith("whsec_") and abonnement["protocol"] == "https-push"
    async with ontvanger(pki.cert("zorgverzekeraar")) as ander:
        insurer = clients(hub_app, "zorgverzekeraar")
        await abonneer(insurer, ander, TERUGBETALING)
        ovb = await verzoek_aan_utrecht(loket, let)

        [event] = await wait_for(lambda: receiver.events())
        assert event["type"] == TERUGBETALING and event["data"]["overbrugging_id"] == ovb
        assert event["data"]["betaler"]["oin"] == DEELNEMERS[0].oin
        [ontvangen] = receiver.ontvangen
        assert ontvangen["webhook_id"] == event["id"]
        assert ontvangen["content_type"].startswith("application/cloudevents+json")
        assert [s for _, s, _ in receiver.pogingen] == [500, 204]
        assert receiver.geweigerd == []
        assert parse_event(json.dumps(event).encode()).type == TERUGBETALING
        assert ander.pogingen == []  # the insurer is not the responsible party


async def test_each_casus_keeps_its_order_and_a_dead_delivery_shows_to_operators(
    loket, let, utrecht, receiver, operator
):
    eerste: list[str] = []
    meer_geplaatst = asyncio.Event()

    async def antwoord(event, poging):
        eerste[:] = eerste or [event["id"]]
        if event["id"] != eerste[0]:
            return 204, {}
        if poging == 1:
            # The first attempt is answered once the test has placed the next of its casus and
            # one of another casus: all three wait when the 429 pauses the subscription, however
            # long placing them took (a fixed 3 s window was not always enough under load).
            await asyncio.wait_for(meer_geplaatst.wait(), 50)
            return 429, {"Retry-After": "3"}
        return 500, {}

    receiver.antwoord = antwoord
    await abonneer(utrecht, receiver, TERUGBETALING)
    casus_a = await verzoek_aan_utrecht(loket, let)
    await wait_for(lambda: eerste)  # its first attempt is in flight
    await nog_een_verzoek(loket, casus_a, "A2")  # behind the first of its casus
    await verzoek_aan_utrecht(loket, let)  # another casus
    meer_geplaatst.set()

    await wait_for(lambda: len(receiver.events()) == 2)
    a1 = [(s, t) for eid, s, t in receiver.pogingen if eid == eerste[0]]
    assert [s for s, _ in a1] == [429] + [500] * (POGINGEN - 1)
    tijden = {o["event"]["id"]: o["at"] for o in receiver.ontvangen}
    a2_event = next(
        e
        for e in receiver.events()
        if e["id"] != eerste[0] and e["data"]["overbrugging_id"] == casus_a
    )
    b1_event = next(e for e in receiver.events() if e["data"]["overbrugging_id"] != casus_a)
    assert tijden[a2_event["id"]] > a1[-1][1]  # not before the first of its casus was dead
    assert tijden[b1_event["id"]] < a1[-1][1]  # the other casus did not wait for it
    assert tijden[b1_event["id"]] - a1[0][1] >= 2.9  # the 429 paused the whole subscription

    ops = (await operator.get("/api/v1/ops/afleveringen")).json()
    [dood] = ops["dood"]
    assert (dood["event_id"], dood["attempts"], dood["last_error"]) == (
        eerste[0],
        POGINGEN,
        "HTTP 500",
    )
    assert dood["oin"] == DEELNEMERS[0].oin and dood["event_type"] == TERUGBETALING


async def test_429_with_retry_after_is_honoured(loket, let, utrecht, receiver):
    receiver.antwoord = lambda event, poging: (
        (429, {"Retry-After": "1"}) if poging == 1 else (204, {})
    )
    await abonneer(utrecht, receiver, TERUGBETALING)
    await verzoek_aan_utrecht(loket, let)
    await wait_for(lambda: receiver.events())
    [(_, eerst, t1), (_, daarna, t2)] = receiver.pogingen
    assert (eerst, daarna) == (429, 204)
    assert t2 - t1 >= 0.95  # the backoff alone would have come back after 0.05 s


async def test_410_ends_the_subscription_visibly(loket, let, utrecht, receiver, operator, hub_app):
    receiver.antwoord = lambda event, poging: (410, {})
    abonnement = await abonneer(utrecht, receiver, TERUGBETALING)
    ovb = await verzoek_aan_utrecht(loket, let)

    async def beeindigd() -> dict | None:
        [found] = (await utrecht.get("/api/v1/abonnementen")).json()
        return found if found["beeindigd_op"] else None

    found = await _poll(beeindigd)
    assert "410" in found["reden"]
    ops = (await operator.get("/api/v1/ops/afleveringen")).json()
    assert [a["id"] for a in ops["beeindigd"]] == [abonnement["id"]]
    await nog_een_verzoek(loket, ovb, "B2")
    assert [s for _, s, _ in receiver.pogingen] == [410]  # nothing pushed after the end
    assert await audit(hub_app) == [
        ("abonnement.aangemaakt", f"urn:nld:oin:{DEELNEMERS[0].oin}"),
        ("abonnement.beeindigd", f"urn:nld:oin:{HUB.oin}"),
    ]


async def audit(app) -> list[tuple[str, str]]:
    """The audit trail's subscription entries (not tied to a casus), with their actors."""
    async with app.state.process.hub.sessions() as session:
        rows = await session.scalars(
            select(AuditRow).where(AuditRow.actie.like("abonnement.%")).order_by(AuditRow.id)
        )
        return [(r.actie, r.actor) for r in rows]


async def _poll(check, within: float = 30.0):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await poll_pause()


async def test_a_party_subscribes_only_to_what_is_addressed_to_it(
    utrecht, hub_app, clients, loket, operator, receiver
):
    instructie = await utrecht.post(
        "/api/v1/abonnementen", json={"protocol": "http-pull", "types": [INSTRUCTIE]}
    )
    assert instructie.status_code == 403
    assert instructie.json()["detail"][0]["field"] == "types"
    http = await utrecht.post(
        "/api/v1/abonnementen",
        json={"protocol": "https-push", "types": [TERUGBETALING], "endpoint": "http://x/hook"},
    )
    assert (http.status_code, http.json()["detail"][0]["field"]) == (422, "endpoint")
    dicht = await utrecht.post(
        "/api/v1/abonnementen",
        json={
            "protocol": "https-push",
            "types": [TERUGBETALING],
            "endpoint": receiver.url.replace("/hook", "/elders"),
        },
    )
    assert (dicht.status_code, dicht.json()["detail"][0]["field"]) == (422, "endpoint")
    for client in (loket, operator):
        response = await client.post(
            "/api/v1/abonnementen", json={"protocol": "http-pull", "types": [TERUGBETALING]}
        )
        assert response.status_code == 403

    eigen = await abonneer(utrecht, None, TERUGBETALING)
    rotterdam = clients(hub_app, "gemeente-rotterdam")
    assert (await rotterdam.get("/api/v1/abonnementen")).json() == []
    assert (await rotterdam.delete(f"/api/v1/abonnementen/{eigen['id']}")).status_code == 404
    assert (await rotterdam.get(f"/api/v1/abonnementen/{eigen['id']}/events")).status_code == 404
    assert (await utrecht.delete(f"/api/v1/abonnementen/{eigen['id']}")).status_code == 204
    [beeindigd] = (await utrecht.get("/api/v1/abonnementen")).json()
    assert beeindigd["reden"] == "deleted by its party" and "geheim" not in beeindigd


async def test_the_care_office_pulls_by_cursor_and_acknowledges(loket, let, hub_app, clients):
    zorgkantoor = clients(hub_app, ZORGKANTOOR.code)
    registratie = registerregel("Zorgkantoor Voorbeeld", "zorgkantoor")
    put = await zorgkantoor.put(f"/api/v1/register/{ZORGKANTOOR.oin}", json=registratie)
    assert put.status_code == 201, put.text
    abonnement = await abonneer(zorgkantoor, None, TERUGBETALING)
    events = f"/api/v1/abonnementen/{abonnement['id']}/events"
    ovb = await toegekend(loket)
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(90_000, vandaag(), "B1"), 201)
    await post(let, f"{OVB}/{ovb}/verantwoordelijke", aanwijzing_body(ZORGKANTOOR.oin, kader="wlz"))
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(5_000, vandaag(), "B2"), 201)
    await post(loket, f"{OVB}/{ovb}/terugbetalingsverzoeken", None, 201)

    eerste = (await zorgkantoor.get(events, params={"limit": 1})).json()
    [event] = eerste["events"]
    assert event["type"] == TERUGBETALING and event["data"]["betaler"]["oin"] == ZORGKANTOOR.oin
    rest = (await zorgkantoor.get(events, params={"after": eerste["cursor"]})).json()
    assert [e["data"]["bedrag"] for e in rest["events"]] == [{"centen": 5_000, "valuta": "EUR"}]
    assert rest["cursor"] > eerste["cursor"]
    ack = await zorgkantoor.post(f"{events[:-7]}/ack", json={"cursor": eerste["cursor"]})
    assert ack.json() == {"bevestigd_tot": eerste["cursor"]}
    te_ver = await zorgkantoor.post(f"{events[:-7]}/ack", json={"cursor": rest["cursor"] + 1})
    assert (te_ver.status_code, te_ver.json()["detail"][0]["field"]) == (422, "cursor")
    nogmaals = (await zorgkantoor.get(events)).json()  # at-least-once: kept for its retention
    assert [e["id"] for e in nogmaals["events"]] == [event["id"], rest["events"][0]["id"]]
    [listed] = (await zorgkantoor.get("/api/v1/abonnementen")).json()
    assert listed["bevestigd_tot"] == eerste["cursor"]


async def test_an_agency_gets_its_instruction_pushed_and_answers_over_https(
    loket, cjib, duo, utrecht, pki
):
    async with ontvanger(pki.cert("cjib")) as cjib_hook:
        await abonneer(cjib, cjib_hook, INSTRUCTIE)
        chain = await order(loket)
        [instructie] = await wait_for(lambda: cjib_hook.events())
        assert instructie["data"]["uitvoerder"] == "cjib"
        assert instructie["subject"] == chain["casus_id"]

    answer = answer_event(chain, "cjib")
    headers = {"content-type": "application/cloudevents+json"}
    eerst = await cjib.post("/api/v1/antwoorden", content=answer.to_bytes(), headers=headers)
    assert eerst.status_code == 200, eerst.text
    assert eerst.json()["gewijzigd"] is True and eerst.json()["uitvoerder"] == "cjib"
    links = {link["uitvoerder"]: link for link in (await status(loket, chain))["keten"]}
    assert links["cjib"]["status"] == "confirmed"
    again = await cjib.post("/api/v1/antwoorden", content=answer.to_bytes(), headers=headers)
    assert again.json()["gewijzigd"] is False  # idempotent on the event id

    vreemd = await duo.post(
        "/api/v1/antwoorden", content=answer_event(chain, "cjib").to_bytes(), headers=headers
    )
    assert vreemd.status_code == 422 and links["duo"]["status"] == "pending"
    kapot = await cjib.post("/api/v1/antwoorden", content=b'{"id": 1}', headers=headers)
    assert (kapot.status_code, kapot.json()["detail"][0]["field"]) == (422, "body")
    geen_agency = await utrecht.post("/api/v1/antwoorden", content=answer.to_bytes())
    assert geen_agency.status_code == 403


async def test_the_simulated_parties_get_their_messages_and_an_agency_answers(
    loket, let, utrecht, hub_app, clients, pki
):
    """The simulators of ``make run`` (``simulators.deelnemer``): an agency without a connector
    (here the CJIB) and Gemeente Utrecht pushed to, the care office pulling."""
    partijen = {
        code: deelnemer.Deelnemer(code=code, hub=lambda c=code: clients(hub_app, c))
        for code in ("cjib", "gemeente-utrecht", "zorgkantoor")
    }
    taken = [
        asyncio.create_task(
            deelnemer.serve(
                partij,
                port=free_port(),
                pull=code == "zorgkantoor",
                cert=None if code == "zorgkantoor" else pki.cert(code),
                retry=0.1,
            )
        )
        for code, partij in partijen.items()
    ]
    try:
        await wait_for(lambda: all(p.geheim for p in partijen.values()))
        chain = await order(loket)
        await verzoek_aan_utrecht(loket, let)

        cjib = partijen["cjib"]
        await wait_for(lambda: cjib.beantwoord)
        links = {link["uitvoerder"]: link for link in (await status(loket, chain))["keten"]}
        assert links["cjib"]["status"] == "confirmed"
        assert cjib.beantwoord == [links["cjib"]["instructie_id"]]
        [verzoek] = await wait_for(lambda: list(partijen["gemeente-utrecht"].ontvangen.values()))
        assert verzoek["type"] == TERUGBETALING
        assert partijen["zorgkantoor"].ontvangen == {}  # not its repayment request
    finally:
        for taak in taken:
            taak.cancel()
        await asyncio.gather(*taken, return_exceptions=True)
