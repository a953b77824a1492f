"""The deviation API (in-memory broker): record a decision on a casus, read it, see it on the
casus and in its audit trail, and the answers for what is not allowed."""

from __future__ import annotations

import datetime as dt

from schemas import parse_event
from schemas.afwijking import AfwijkingBesloten
from schemas.topics import AFWIJKING
from tests.api.hub.conftest import wait_for
from tests.support.afwijking import KNELPUNT_ID, afwijking_body
from tests.support.loket import LOKET_DOOR, casus_body, vandaag

BSN = "999990019"
API = "/api/v1/casussen"


async def _casus(loket, *, accepteer: bool = True) -> tuple[str, str]:
    response = await loket.post(API, json=casus_body(BSN))
    assert response.status_code == 201, response.text
    body = response.json()
    if accepteer:
        accepted = await loket.post(f"{API}/{body['casus_id']}/acceptatie")
        assert accepted.status_code == 200, accepted.text
    return body["casus_id"], body["huishouden"][0]["pseudoniem"]


async def test_a_decision_is_recorded_shown_on_the_casus_audited_and_published(loket):
    casus_id, aanvrager = await _casus(loket)
    body = afwijking_body(vandaag(), betrokkenen=[aanvrager], knelpunt_id=KNELPUNT_ID)
    response = await loket.post(f"{API}/{casus_id}/afwijkingen", json=body)
    assert response.status_code == 201, response.text
    afwijking = response.json()
    afwijking_id = afwijking["afwijking_id"]
    assert response.headers["location"] == f"/api/v1/afwijkingen/{afwijking_id}"
    assert afwijking["casus_id"] == casus_id
    assert afwijking["besloten_door"]["functie"] == "maatwerkfunctionaris"
    assert afwijking["mandaat"] == body["mandaat"]
    assert afwijking["knelpunt_id"] == KNELPUNT_ID
    assert afwijking["betrokkenen"] == [aanvrager]
    assert afwijking["vastgelegd_door"] == LOKET_DOOR

    assert (await loket.get(f"/api/v1/afwijkingen/{afwijking_id}")).json() == afwijking
    listed = await loket.get(f"{API}/{casus_id}/afwijkingen")
    assert listed.status_code == 200 and listed.json() == [afwijking]
    casus = (await loket.get(f"{API}/{casus_id}")).json()
    assert casus["instrumenten"]["afwijkingen"] == [afwijking_id]

    audit = (await loket.get(f"{API}/{casus_id}/audit")).json()
    [entry] = [e for e in audit if e["actie"] == "afwijking.besloten"]
    assert entry["actor"] == LOKET_DOOR
    assert entry["details"]["afwijking_id"] == afwijking_id
    assert entry["details"]["mandaat"] == body["mandaat"]

    raw = await wait_for(lambda: loket.published.get(AFWIJKING.name))
    event = parse_event(raw[0])
    assert isinstance(event.data, AfwijkingBesloten)
    assert event.id == afwijking_id and event.subject == casus_id
    assert event.data.knelpunt_id == KNELPUNT_ID
    assert BSN not in raw[0].decode()


async def test_a_closed_casus_gets_409_naming_its_status_and_the_allowed_ones(loket):
    casus_id, _ = await _casus(loket)
    closed = await loket.post(f"{API}/{casus_id}/sluiting", json={"redencode": "ingetrokken"})
    assert closed.status_code == 200, closed.text
    response = await loket.post(f"{API}/{casus_id}/afwijkingen", json=afwijking_body(vandaag()))
    assert response.status_code == 409
    [fout] = response.json()["detail"]
    assert fout["field"] == "casus_id"
    assert "is gesloten" in fout["message"]
    assert "geaccepteerd, in_behandeling, opgeschaald" in fout["message"]
    assert (await loket.get(f"{API}/{casus_id}/afwijkingen")).json() == []


async def test_bad_input_is_422_naming_the_field_and_never_echoing_a_bsn(loket):
    casus_id, _ = await _casus(loket)
    cases = [
        ({"motivering": f"Zie BSN {BSN}."}, "motivering"),
        ({"knelpunt_id": "geen-uuid"}, "knelpunt_id"),
        ({"besluitdatum": (vandaag() + dt.timedelta(days=2)).isoformat()}, "besluitdatum"),
        ({"betrokkenen": ["psn-" + "0" * 32]}, "betrokkenen.0"),
        ({"besloten_door": {"functie": "x"}}, "besloten_door.partij"),
    ]
    for changes, field in cases:
        body = {**afwijking_body(vandaag()), **changes}
        response = await loket.post(f"{API}/{casus_id}/afwijkingen", json=body)
        assert response.status_code == 422, (changes, response.text)
        assert field in [f["field"] for f in response.json()["detail"]], response.text
        assert BSN not in response.text


async def test_only_the_loket_records_and_reads_deviations(loket, cjib, operator):
    casus_id, _ = await _casus(loket)
    for client in (cjib, operator):
        response = await client.post(
            f"{API}/{casus_id}/afwijkingen", json=afwijking_body(vandaag())
        )
        assert response.status_code == 403
        assert (await client.get(f"{API}/{casus_id}/afwijkingen")).status_code == 403
    assert (await loket.get("/api/v1/afwijkingen/onbekend")).status_code == 404
    assert (await loket.get(f"{API}/MWL-2026-0000000000/afwijkingen")).status_code == 404
