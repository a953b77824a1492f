"""The loket API and the answer consumer, with FastStream's in-memory broker."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest

from schemas import make_event, parse_event
from schemas.opschorting import OpschortingBevestigd, OpschortingGeweigerd, Redencode
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import dead_letter_topic, instructie_topic, opschorting_antwoord_topic
from schemas.versleuteling import open_sealed
from simulators import AGENCIES
from tests.api.hub.conftest import wait_for
from tests.support.loket import WOONGEMEENTE_OIN, casus_body, opschorting_body

BSN = "999990019"


async def submit_casus(loket) -> str:
    response = await loket.post("/api/v1/casussen", json=casus_body(BSN))
    assert response.status_code == 201, response.text
    return response.json()["casus_id"]


async def test_submitted_casus_is_pseudonymised(loket):
    response = await loket.post("/api/v1/casussen", json=casus_body(BSN))
    assert response.status_code == 201
    assert BSN not in response.text
    assert response.json()["huishouden"][0]["pseudoniem"].startswith("psn-")
    read = await loket.get(f"/api/v1/casussen/{response.json()['casus_id']}")
    assert read.status_code == 200 and BSN not in read.text


async def test_invalid_bsn_is_422_naming_the_field_without_echoing_it(loket):
    body = casus_body("123456789")
    response = await loket.post("/api/v1/casussen", json=body)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["detail"]]
    assert fields == ["huishouden.0.bsn"]
    assert "123456789" not in response.text


async def test_unknown_casus_is_404(loket):
    response = await loket.post(
        "/api/v1/casussen/MWL-2026-0000000000/opschortingen", json=opschorting_body("cjib")
    )
    assert response.status_code == 404
    assert (await loket.get("/api/v1/opschortingen/nope")).status_code == 404


async def test_end_before_start_is_422_naming_einddatum(loket):
    casus_id = await submit_casus(loket)
    body = opschorting_body("cjib", days=-1)
    response = await loket.post(f"/api/v1/casussen/{casus_id}/opschortingen", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["einddatum"]


async def test_gemeente_for_a_casus_without_woongemeente_is_422(loket):
    zonder = {k: v for k, v in casus_body(BSN).items() if k != "woongemeente"}
    response = await loket.post("/api/v1/casussen", json=zonder)
    assert response.status_code == 201, response.text
    casus_id = response.json()["casus_id"]
    assert (await loket.get(f"/api/v1/casussen/{casus_id}")).json()["woongemeente"] is None
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen",
        json=opschorting_body("gemeente"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "uitvoerders.0.uitvoerder"
    assert "woongemeente" in response.json()["detail"][0]["message"]


async def test_an_agency_not_installed_here_is_422_naming_the_field(loket):
    """Readers of topics accept any well-formed agency code (a newer agency's events); what the
    hub is asked to act on names an installed agency, or it is refused, nothing ordered."""
    assert "waterschap" not in Uitvoerder
    body = {**casus_body(BSN), "betrokken_organisaties": ["cjib", "waterschap"]}
    response = await loket.post("/api/v1/casussen", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["betrokken_organisaties.1"]
    casus_id = await submit_casus(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body("waterschap")
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["uitvoerders.0.uitvoerder"]
    assert "unknown agency waterschap" in response.json()["detail"][0]["message"]
    assert not [topic for topic in loket.published if "waterschap" in topic]


async def test_order_fans_out_one_sealed_instruction_per_agency(loket, agency_keys):
    casus_id = await submit_casus(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body(*AGENCIES)
    )
    assert response.status_code == 201, response.text
    chain = response.json()
    assert chain["status"] == "pending"
    assert {s["uitvoerder"]: s["status"] for s in chain["keten"]} == dict.fromkeys(
        AGENCIES, "pending"
    )
    for agency in AGENCIES:
        topic = instructie_topic(agency).name
        [raw] = await wait_for(lambda topic=topic: loket.published.get(topic))
        assert BSN.encode() not in raw
        event = parse_event(raw)
        assert event.subject == casus_id and event.data.uitvoerder == agency
        sealed = event.data.personen[0].bsn_versleuteld
        assert open_sealed(sealed, agency_keys[agency]) == BSN
        other = next(a for a in AGENCIES if a != agency)
        with pytest.raises(ValueError):
            open_sealed(sealed, agency_keys[other])


def answer_event(chain: dict[str, Any], agency: str, *, refused: bool = False, event_id=None):
    link = next(s for s in chain["keten"] if s["uitvoerder"] == agency)
    common = {
        "opschorting_id": chain["opschorting_id"],
        "casus_id": chain["casus_id"],
        "uitvoerder": agency,
        "instructie_id": link["instructie_id"],
        "beantwoord_op": dt.datetime.now(dt.UTC),
        # who answered: for gemeente the municipality the instruction went to
        "gemeente": WOONGEMEENTE_OIN if agency == "gemeente" else None,
    }
    data: Any
    if refused:
        data = OpschortingGeweigerd(
            **common, redencode=Redencode.BEZWAAR_OF_BEROEP, reden="Zaak ligt bij de rechter"
        )
    else:
        data = OpschortingBevestigd(**common, referentie=f"{agency.upper()}-REF-1")
    return make_event(
        data,
        source=UITVOERDERS[Uitvoerder(agency)].source,
        subject=chain["casus_id"],
        event_id=event_id or str(uuid.uuid4()),
    )


async def order(loket) -> dict[str, Any]:
    casus_id = await submit_casus(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body(*AGENCIES)
    )
    return response.json()


async def publish(loket, event) -> None:
    """On the answer topic of the agency that answers: only it may write there."""
    topic = opschorting_antwoord_topic(event.data.uitvoerder).name
    await loket.broker.publish(event.to_bytes(), topic, key=b"k")


async def status(loket, chain) -> dict[str, Any]:
    response = await loket.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")
    assert response.status_code == 200
    return response.json()


async def test_answers_move_the_chain_to_confirmed_and_refused(loket):
    chain = await order(loket)
    await publish(loket, answer_event(chain, "belastingdienst"))
    await publish(loket, answer_event(chain, "cjib", refused=True))
    after = await status(loket, chain)
    links = {s["uitvoerder"]: s for s in after["keten"]}
    assert links["belastingdienst"]["status"] == "confirmed"
    assert links["belastingdienst"]["referentie"] == "BELASTINGDIENST-REF-1"
    assert links["cjib"]["status"] == "refused"
    assert links["cjib"]["reden"] == "Zaak ligt bij de rechter"
    assert links["duo"]["status"] == "pending"
    assert after["status"] == "pending"
    for agency in AGENCIES:
        if agency not in ("belastingdienst", "cjib"):
            await publish(loket, answer_event(chain, agency))
    assert (await status(loket, chain))["status"] == "incomplete"


async def test_a_redelivered_answer_changes_nothing(loket):
    chain = await order(loket)
    event = answer_event(chain, "duo", event_id="11111111-1111-1111-1111-111111111111")
    await publish(loket, event)
    first = await status(loket, chain)
    await publish(loket, event)
    assert await status(loket, chain) == first


async def test_garbage_and_forged_answers_are_dead_lettered_and_consumer_goes_on(loket):
    chain = await order(loket)
    cjib_antwoorden = opschorting_antwoord_topic("cjib").name
    await loket.broker.publish(b"{not json", cjib_antwoorden, key=b"k")
    forged = answer_event(chain, "cjib")
    forged_body = json.loads(forged.to_bytes())
    forged_body["source"] = UITVOERDERS[Uitvoerder.DUO].source  # DUO answering for CJIB
    await loket.broker.publish(json.dumps(forged_body).encode(), cjib_antwoorden)
    dead = await wait_for(
        lambda: len(loket.published.get(dead_letter_topic("hub").name, [])) >= 2 and True
    )
    assert dead
    assert (await status(loket, chain))["keten"][1]["status"] == "pending"
    await publish(loket, answer_event(chain, "cjib"))
    links = {s["uitvoerder"]: s["status"] for s in (await status(loket, chain))["keten"]}
    assert links["cjib"] == "confirmed"


async def test_audit_trail_records_order_and_answers_without_bsn(loket):
    chain = await order(loket)
    await publish(loket, answer_event(chain, "cjib"))
    response = await loket.get(f"/api/v1/casussen/{chain['casus_id']}/audit")
    assert response.status_code == 200
    acties = [entry["actie"] for entry in response.json()]
    assert acties == ["casus.ingediend", "opschorting.opgedragen", "opschorting.confirmed"]
    assert BSN not in response.text
