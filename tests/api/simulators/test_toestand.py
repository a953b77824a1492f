"""A simulator with a state file: a new app on the same file (a restart) forgets nothing."""

import httpx
import pytest

from simulators import belastingdienst, cjib, duo, ind, uwv
from tests.api.simulators import test_belastingdienst, test_cjib, test_duo, test_ind, test_uwv
from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_cjib_wijzigingen import wijziging

AGENCIES = {
    "belastingdienst": (belastingdienst, test_belastingdienst),
    "cjib": (cjib, test_cjib),
    "duo": (duo, test_duo),
    "uwv": (uwv, test_uwv),
    "ind": (ind, test_ind),
}
REFERENTIE = {
    "belastingdienst": "stopKenmerk",
    "cjib": "cjibReferentie",
    "duo": "duoKenmerk",
    "uwv": "stopnummer",
    "ind": "uitstelnummer",
}
NIEUWE_PERSOON = {
    "burgerservicenummer": "999990044",
    "betrokkeneId": "CJ-B-0000044",
    "naam": "D. de Vries (testpersoon)",
    "zaken": [
        {"zaaknummer": "WAHV-2026-000144", "soort": "verkeersboete", "openstaandBedrag": "99.00"}
    ],
}


def client(module, toestand) -> httpx.AsyncClient:
    app = module.create_app(vandaag=lambda: VANDAAG, toestand=toestand)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim")


@pytest.mark.parametrize("agency", list(AGENCIES))
async def test_a_restart_keeps_suspensions_answers_and_the_counter(agency, tmp_path):
    module, api = AGENCIES[agency]
    toestand = tmp_path / f"{agency}.sqlite3"
    async with client(module, toestand) as eerste:
        r = await eerste.post(api.PAD, json=api.verzoek("k-1"))
        assert r.status_code == 201
        referentie = r.json()[REFERENTIE[agency]]
        voor = (await eerste.get("/_simulator/opschortingen")).json()
    assert toestand.is_file()

    async with client(module, toestand) as tweede:
        assert (await tweede.get("/_simulator/opschortingen")).json() == voor
        herhaald = await tweede.post(api.PAD, json=api.verzoek("k-1"))
        assert herhaald.json()[REFERENTIE[agency]] == referentie
        assert herhaald.headers["Idempotent-Replay"] == "true"
        volgende = await tweede.post(api.PAD, json=api.verzoek("k-2"))
        assert volgende.status_code == 201
        assert volgende.json()[REFERENTIE[agency]] not in (referentie, None)
        assert (await tweede.get("/_simulator/opschortingen")).json()["aantal"] == 2


async def test_changes_added_persons_and_faults_survive_a_restart(tmp_path):
    toestand = tmp_path / "cjib.sqlite3"
    async with client(cjib, toestand) as eerste:
        assert (await eerste.post("/_simulator/personen", json=NIEUWE_PERSOON)).status_code == 201
        r = await eerste.post(test_cjib.PAD, json=test_cjib.verzoek("k-1"))
        ref = r.json()["cjibReferentie"]
        w = await eerste.post(f"{test_cjib.PAD}/{ref}/wijzigingen", json=wijziging("w-1"))
        assert w.status_code == 201
        storing = await eerste.post("/_simulator/storingen", json={"vordering": "WAHV-2026-000144"})
        assert storing.status_code == 201

    async with client(cjib, toestand) as tweede:
        (ops,) = (await tweede.get("/_simulator/opschortingen")).json()["opschortingen"]
        assert [x["sleutel"] for x in ops["wijzigingen"]] == ["w-1"]
        nogmaals = await tweede.post(f"{test_cjib.PAD}/{ref}/wijzigingen", json=wijziging("w-1"))
        assert nogmaals.json()["wijzigingReferentie"] == w.json()["wijzigingReferentie"]
        assert (await tweede.get("/_simulator/storingen")).json()["aantal"] == 1
        fout = await tweede.post(test_cjib.PAD, json=test_cjib.verzoek("k-2", bsns=("999990044",)))
        assert fout.status_code == 500
        await tweede.delete("/_simulator/storingen")
        goed = await tweede.post(test_cjib.PAD, json=test_cjib.verzoek("k-2", bsns=("999990044",)))
        assert goed.status_code == 201  # the added person is known after the restart


async def test_the_state_file_holds_no_bsn(tmp_path):
    toestand = tmp_path / "cjib.sqlite3"
    async with client(cjib, toestand) as c:
        await c.post("/_simulator/personen", json=NIEUWE_PERSOON)
        await c.post(test_cjib.PAD, json=test_cjib.verzoek("k-1", bsns=("999990019", "999990044")))
        await c.post(
            "/_simulator/vorderingen",
            json={
                "bsn": "999990019",
                "vordering": {**NIEUWE_PERSOON["zaken"][0], "zaaknummer": "WAHV-2026-000219"},
            },
        )
    inhoud = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"WAHV-2026-000219" in inhoud  # the claim was written
    for bsn in (b"999990019", b"999990044"):
        assert bsn not in inhoud


async def test_reset_empties_the_state_file(tmp_path):
    toestand = tmp_path / "duo.sqlite3"
    async with client(duo, toestand) as c:
        await c.post(test_duo.PAD, json=test_duo.verzoek("k-1"))
        assert (await c.post("/_simulator/reset")).status_code == 204
    async with client(duo, toestand) as c:
        assert (await c.get("/_simulator/opschortingen")).json()["aantal"] == 0
        r = await c.post(test_duo.PAD, json=test_duo.verzoek("k-1"))
        assert r.json()["duoKenmerk"] == f"DUO-BP-{VANDAAG:%Y%m%d}-00001"
