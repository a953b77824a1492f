"""Extending, lifting and expiry of a time-out through the loket API (in-memory broker)."""

from __future__ import annotations

import datetime as dt

from schemas import parse_event
from schemas.opschorting import OpschortingVerlengingInstructie
from schemas.topics import instructie_topic
from tests.api.hub.conftest import wait_for
from tests.api.hub.test_api import (
    AGENCIES,
    answer_event,
    order,
    publish,
    status,
)
from tests.support.loket import vandaag


async def answered(loket) -> dict:
    """An order that every agency but the CJIB confirmed and the CJIB refused."""
    chain = await order(loket)
    for agency in AGENCIES:
        await publish(loket, answer_event(chain, agency, refused=agency == "cjib"))
    return await status(loket, chain)


def change_chain(chain: dict, index: int = -1) -> dict:
    wijziging = chain["wijzigingen"][index]
    return {"opschorting_id": chain["opschorting_id"], "casus_id": chain["casus_id"], **wijziging}


async def test_extension_goes_to_agencies_that_did_not_refuse_and_tracks_their_answers(loket):
    chain = await answered(loket)
    new_end = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=60)
    response = await loket.post(
        f"/api/v1/opschortingen/{chain['opschorting_id']}/verlengingen",
        json={"einddatum": new_end.isoformat(), "reden": "Schuldregeling loopt nog"},
    )
    assert response.status_code == 201, response.text
    after = response.json()
    assert after["einddatum"] == new_end.isoformat()
    [wijziging] = after["wijzigingen"]
    assert wijziging["soort"] == "verlenging" and wijziging["status"] == "pending"
    bevestigd = [a for a in AGENCIES if a != "cjib"]
    assert sorted(link["uitvoerder"] for link in wijziging["keten"]) == sorted(bevestigd)

    topic = instructie_topic("duo").name
    raw = await wait_for(
        lambda: len(loket.published.get(topic, [])) >= 2 and loket.published[topic]
    )
    instructie = parse_event(raw[-1]).data
    assert isinstance(instructie, OpschortingVerlengingInstructie)
    original = next(link for link in chain["keten"] if link["uitvoerder"] == "duo")
    assert instructie.instructie_id == original["instructie_id"]
    assert instructie.referentie == "DUO-REF-1"
    assert instructie.periode.einddatum == new_end
    assert len(loket.published.get(instructie_topic("cjib").name, [])) == 1  # the order only

    for agency in bevestigd:
        await publish(loket, answer_event(change_chain(after), agency))
    final = await status(loket, chain)
    assert final["wijzigingen"][0]["status"] == "confirmed"
    assert final["status"] == "incomplete"  # the order's own chain is unchanged


async def test_extension_must_move_the_end_later(loket):
    chain = await answered(loket)
    response = await loket.post(
        f"/api/v1/opschortingen/{chain['opschorting_id']}/verlengingen",
        json={"einddatum": chain["einddatum"], "reden": "r"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "einddatum"


async def test_lifting_once_then_no_more_changes(loket):
    chain = await answered(loket)
    url = f"/api/v1/opschortingen/{chain['opschorting_id']}"
    lifted = await loket.post(f"{url}/opheffing", json={"reden": "Schuldregeling getroffen"})
    assert lifted.status_code == 201, lifted.text
    body = lifted.json()
    assert body["opgeheven_per"] == vandaag().isoformat()
    assert body["wijzigingen"][0]["soort"] == "opheffing"
    again = await loket.post(f"{url}/opheffing", json={"reden": "nog eens"})
    assert again.status_code == 409
    later = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=10)
    extend = await loket.post(
        f"{url}/verlengingen", json={"einddatum": later.isoformat(), "reden": "r"}
    )
    assert extend.status_code == 409


async def test_changes_to_an_unknown_time_out_are_404(loket):
    response = await loket.post("/api/v1/opschortingen/nope/opheffing", json={"reden": "r"})
    assert response.status_code == 404


async def test_an_unanswered_extension_counts_as_pending_for_its_agencies(loket, operator):
    chain = await answered(loket)
    later = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=30)
    await loket.post(
        f"/api/v1/opschortingen/{chain['opschorting_id']}/verlengingen",
        json={"einddatum": later.isoformat(), "reden": "r"},
    )
    body = (await operator.get("/api/v1/ops/overzicht")).json()
    pending = {a["uitvoerder"]: a["pending"] for a in body["per_uitvoerder"]}
    assert pending == {a: int(a != "cjib") for a in AGENCIES}
