"""Hygiene of the hub's API: Idempotency-Key, BSNs in free text, list and date limits, security
headers, documentation without a CDN."""

from __future__ import annotations

import datetime as dt
import re

from tests.support.loket import casus_body, opschorting_body

BSN = "999990019"
API = "/api/v1/casussen"


def _key(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


async def _totaal(loket) -> int:
    return (await loket.get(API)).json()["totaal"]


async def test_a_repeated_submission_with_the_same_key_has_one_effect(loket):
    first = await loket.post(API, json=casus_body(BSN), headers=_key("k-1"))
    again = await loket.post(API, json=casus_body(BSN), headers=_key("k-1"))

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await _totaal(loket) == 1
    other = await loket.post(API, json=casus_body(BSN), headers=_key("k-2"))
    assert other.json()["casus_id"] != first.json()["casus_id"]


async def test_the_same_key_with_another_body_is_422_naming_the_header(loket):
    await loket.post(API, json=casus_body(BSN), headers=_key("k-1"))
    changed = await loket.post(
        API, json={**casus_body(BSN), "urgentie": "laag"}, headers=_key("k-1")
    )
    assert changed.status_code == 422
    assert changed.json()["detail"][0]["field"] == "Idempotency-Key"
    assert await _totaal(loket) == 1


async def test_time_out_orders_and_steps_are_idempotent(loket):
    casus_id = (await loket.post(API, json=casus_body(BSN))).json()["casus_id"]
    order = opschorting_body("cjib")
    path = f"{API}/{casus_id}/opschortingen"
    first = await loket.post(path, json=order, headers=_key("o-1"))
    again = await loket.post(path, json=order, headers=_key("o-1"))
    assert first.status_code == again.status_code == 201
    assert again.json()["opschorting_id"] == first.json()["opschorting_id"]
    assert len((await loket.get(f"{API}/{casus_id}")).json()["opschortingen"]) == 1

    lift = {"reden": "Regeling getroffen"}
    lift_path = f"/api/v1/opschortingen/{first.json()['opschorting_id']}/opheffing"
    lifted = await loket.post(lift_path, json=lift, headers=_key("l-1"))
    assert lifted.status_code == 201, lifted.text
    assert (await loket.post(lift_path, json=lift, headers=_key("l-1"))).status_code == 201
    assert (await loket.post(lift_path, json=lift, headers=_key("l-2"))).status_code == 409

    accepted = await loket.post(f"{API}/{casus_id}/acceptatie", headers=_key("a-1"))
    again = await loket.post(f"{API}/{casus_id}/acceptatie", headers=_key("a-1"))
    assert accepted.status_code == again.status_code == 200
    acties = [e["actie"] for e in (await loket.get(f"{API}/{casus_id}/audit")).json()]
    assert acties.count("casus.geaccepteerd") == 1


async def test_a_bad_key_is_422_naming_the_header(loket):
    response = await loket.post(API, json=casus_body(BSN), headers=_key("x" * 256))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "Idempotency-Key"


async def test_a_bsn_in_free_text_is_422_naming_the_field_without_echoing_it(loket):
    body = {**casus_body(BSN), "geprobeerd": "Aanvrager 9999.90.019 belde drie keer."}
    response = await loket.post(API, json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["geprobeerd"]
    assert "9999" not in response.text

    casus_id = (await loket.post(API, json=casus_body(BSN))).json()["casus_id"]
    refused = await loket.post(
        f"{API}/{casus_id}/afwijzing",
        json={"redencode": "onvolledig", "reden": f"zie {BSN}", "advies": "bel"},
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["detail"]] == ["reden"]
    assert BSN not in refused.text


async def test_long_lists_are_422_naming_the_field(loket):
    body = {**casus_body(BSN), "probleemdomeinen": ["schulden"] * 50}
    response = await loket.post(API, json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["probleemdomeinen"]

    casus_id = (await loket.post(API, json=casus_body(BSN))).json()["casus_id"]
    order = opschorting_body("cjib", vorderingen={"cjib": [f"V-{i}" for i in range(201)]})
    response = await loket.post(f"{API}/{casus_id}/opschortingen", json=order)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["uitvoerders.0.vorderingen"]


async def test_dates_out_of_range_are_422_naming_the_field(loket):
    casus_id = (await loket.post(API, json=casus_body(BSN))).json()["casus_id"]
    path = f"{API}/{casus_id}/opschortingen"
    today = dt.date.today()
    backdated = opschorting_body("cjib", start=today - dt.timedelta(days=400))
    far = opschorting_body("cjib", days=365 * 100)
    for body, field in ((backdated, "ingangsdatum"), (far, "einddatum")):
        response = await loket.post(path, json=body)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["detail"]] == [field]

    later = await loket.post(path, json=opschorting_body("cjib", start=today + dt.timedelta(10)))
    lift = await loket.post(
        f"/api/v1/opschortingen/{later.json()['opschorting_id']}/opheffing",
        json={"reden": "Toch niet nodig", "opheffingsdatum": today.isoformat()},
    )
    assert lift.status_code == 422
    assert [e["field"] for e in lift.json()["detail"]] == ["opheffingsdatum"]
    assert "before the time-out began" in lift.text


async def test_api_answers_carry_security_headers(loket, operator):
    for response in (await loket.get(API), await loket.get(f"{API}/MWL-2026-0000000000")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["content-security-policy"]
    dashboard = await operator.get("/dashboard")
    assert dashboard.status_code == 200
    assert "script-src 'self';" in dashboard.headers["content-security-policy"]
    assert dashboard.headers["x-content-type-options"] == "nosniff"


async def test_docs_and_redoc_load_everything_from_the_hub(loket):
    for path in ("/docs", "/redoc"):
        page = await loket.get(path)
        assert page.status_code == 200
        assert not re.search(r"(?i)(src|href)=[\"']?(https?:)?//", page.text), page.text
        assert "cdn" not in page.text.lower()
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "http" not in csp
        for asset in re.findall(r"(?:src|href)=\"(/docs-assets/[^\"]+)\"", page.text):
            assert (await loket.get(asset)).status_code == 200, asset
    assert "sha256-" in (await loket.get("/docs")).headers["content-security-policy"]
