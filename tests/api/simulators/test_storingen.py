"""The fault switch: ``/_simulator/storingen`` makes a back-office answer 500 to chosen requests."""

from tests.api.simulators import test_belastingdienst, test_cjib, test_duo
from tests.api.simulators.test_belastingdienst import aantal
from tests.api.simulators.test_cjib_wijzigingen import wijziging


async def storing(client, **body) -> dict:
    r = await client.post("/_simulator/storingen", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_fault_for_one_claim_hits_only_requests_for_it(cjib_client):
    # 999990020 holds WAHV-2025-000120; 999990019 does not.
    await storing(cjib_client, vordering="WAHV-2025-000120")
    geraakt = await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1", ("999990020",)))
    assert geraakt.status_code == 500
    assert geraakt.json()["code"] == "STORING"  # the CJIB's own error shape
    assert "Idempotent-Replay" not in geraakt.headers
    ander = await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-2"))
    assert ander.status_code == 201
    assert await aantal(cjib_client) == 1  # the hit request was not applied

    # retried while the fault is on: 500 again; once it is off the same key is handled
    again = await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1", ("999990020",)))
    assert again.status_code == 500
    (s,) = (await cjib_client.get("/_simulator/storingen")).json()["storingen"]
    assert s["geraakt"] == 2
    assert (await cjib_client.delete(f"/_simulator/storingen/{s['id']}")).status_code == 204
    ok = await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1", ("999990020",)))
    assert ok.status_code == 201


async def test_a_fault_for_a_claim_hits_a_change_of_a_suspension_that_covers_it(cjib_client):
    r = await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1"))
    ref = r.json()["cjibReferentie"]
    await storing(cjib_client, vordering="WAHV-2025-000119")
    w = await cjib_client.post(f"{test_cjib.PAD}/{ref}/wijzigingen", json=wijziging("w-1"))
    assert w.status_code == 500


async def test_a_fault_for_one_request_key(bd):
    await storing(bd, sleutel="k-2")
    assert (
        await bd.post(test_belastingdienst.PAD, json=test_belastingdienst.verzoek("k-1"))
    ).status_code == 201
    r = await bd.post(test_belastingdienst.PAD, json=test_belastingdienst.verzoek("k-2"))
    assert r.status_code == 500
    assert r.json()["foutcode"] == "STORING"  # the Belastingdienst's own error shape


async def test_a_fault_for_the_next_n_requests_then_gone(duo_client):
    await storing(duo_client, aantal=2, status=503)
    codes = [
        (await duo_client.post(test_duo.PAD, json=test_duo.verzoek("k-1"))).status_code
        for _ in range(3)
    ]
    assert codes == [503, 503, 201]
    assert (await duo_client.get("/_simulator/storingen")).json()["aantal"] == 0


async def test_a_fault_is_never_set_by_bsn_and_needs_a_server_error(cjib_client):
    assert (
        await cjib_client.post("/_simulator/storingen", json={"vordering": "999990019"})
    ).status_code == 400
    assert (
        await cjib_client.post("/_simulator/storingen", json={"status": 404})
    ).status_code == 400
    assert (await cjib_client.delete("/_simulator/storingen/7")).status_code == 404


async def test_the_admin_list_shows_each_suspension_with_its_request_key(cjib_client):
    await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1"))
    await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1"))  # redelivered
    body = (await cjib_client.get("/_simulator/opschortingen")).json()
    assert [o["sleutel"] for o in body["opschortingen"]] == ["k-1"]
