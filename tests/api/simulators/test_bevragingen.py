"""What the query APIs share: read only, the fault switch, no BSN in a URL, the totals of the
household of test person 999990019 (the table in the README, "Simulated back-offices")."""

import logging
import re
import sqlite3

import httpx
import pytest

from simulators import belastingdienst, cjib, duo, ind, uwv
from tests.api.simulators import (
    test_belastingdienst,
    test_belastingdienst_inlichtingen,
    test_cjib,
    test_cjib_bevraging,
    test_duo,
    test_duo_opvraging,
    test_ind,
    test_ind_overzicht,
    test_uwv,
    test_uwv_klantbeeld,
)
from tests.api.simulators.conftest import VANDAAG

AGENCIES = {
    "belastingdienst": (belastingdienst, test_belastingdienst_inlichtingen, test_belastingdienst),
    "cjib": (cjib, test_cjib_bevraging, test_cjib),
    "duo": (duo, test_duo_opvraging, test_duo),
    "uwv": (uwv, test_uwv_klantbeeld, test_uwv),
    "ind": (ind, test_ind_overzicht, test_ind),
}
PERSONEN = ["999990019", "999990020", "999990032", "999990044", "999990056", "999990111"]


def client(module, toestand=None, urls=None) -> httpx.AsyncClient:
    app = module.create_app(vandaag=lambda: VANDAAG, toestand=toestand)

    async def noteer(request: httpx.Request) -> None:
        if urls is not None:
            urls.append(str(request.url))

    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sim",
        event_hooks={"request": [noteer]},
    )


def openstaand(agency: str, body: dict) -> int:
    """The outstanding total of one answer, read in the agency's own shape."""
    if agency == "belastingdienst":
        items = body["aanslagen"]["items"]
        totaal = sum(a["openstaandBedragInCenten"] for a in items)
        assert totaal == body["aanslagen"]["totaalOpenstaandInCenten"]
    elif agency == "cjib":
        items = body["zoekresultaat"]["zaken"]["lijst"]
        totaal = sum(z["bedrag"]["openstaandCent"] for z in items)
        assert totaal == body["zoekresultaat"]["zaken"]["totaalOpenstaandCent"]
    elif agency == "uwv":
        return sum(t["openstaand_bedrag_centen"] for t in body["klantbeeld"]["terugvorderingen"])
    elif agency == "ind":
        return sum(x["openstaandCent"] for x in body["leges"])
    else:
        items = body["gegevens"]["schulden"]["items"]
        totaal = sum(s["restschuldCenten"] for s in items)
        assert totaal == body["gegevens"]["schulden"]["restschuldTotaalCenten"]
    return totaal


async def schulden(bsn: str) -> dict[str, int | None]:
    """Per agency: the outstanding total in cents, ``None`` when it does not know the person."""
    totalen: dict[str, int | None] = {}
    for agency, (module, api, _) in AGENCIES.items():
        async with client(module) as c:
            r = await c.post(api.PAD, json=api.vraag(bsn))
        totalen[agency] = None if r.status_code == 404 else openstaand(agency, r.json())
    return totalen


async def test_the_household_of_999990019_owes_what_the_readme_says():
    testpersoon = await schulden("999990019")
    partner = await schulden("999990020")
    assert testpersoon == {
        "belastingdienst": 225250,
        "cjib": 68900,
        "duo": 1845000,
        "uwv": 121500,
        "ind": 24300,
    }
    assert partner == {
        "belastingdienst": 65500,
        "cjib": 48900,
        "duo": None,
        "uwv": 294000,
        "ind": 139100,
    }
    assert sum(testpersoon.values()) == 2284950
    assert sum(v or 0 for v in [*testpersoon.values(), *partner.values()]) == 2832450


@pytest.mark.parametrize("agency", list(AGENCIES))
async def test_no_bsn_in_any_url(agency):
    module, api, _ = AGENCIES[agency]
    urls: list[str] = []
    async with client(module, urls=urls) as c:
        for bsn in PERSONEN:
            await c.post(api.PAD, json=api.vraag(bsn, sleutel=f"q-{bsn[-3:]}"))
    assert len(urls) == len(PERSONEN)
    for url in urls:
        assert not re.search(r"[0-9]{9}", url), url


@pytest.mark.parametrize("agency", list(AGENCIES))
async def test_a_query_is_read_only_and_repeatable(agency, tmp_path):
    module, api, opdracht = AGENCIES[agency]
    toestand = tmp_path / f"{agency}.sqlite3"
    async with client(module, toestand) as c:
        await c.post(opdracht.PAD, json=opdracht.verzoek("k-1"))  # something in the state file
        voor = list(sqlite3.connect(toestand).iterdump())
        eerste = await c.post(api.PAD, json=api.vraag(sleutel="q-1"))
        tweede = await c.post(api.PAD, json=api.vraag(sleutel="q-1"))
        for bsn in PERSONEN:
            await c.post(api.PAD, json=api.vraag(bsn, sleutel=f"q-{bsn}"))
        assert list(sqlite3.connect(toestand).iterdump()) == voor
        assert eerste.status_code == tweede.status_code == 200
        assert eerste.json() == tweede.json()
        assert "Idempotent-Replay" not in tweede.headers  # answered afresh, nothing stored
        assert (await c.get("/_simulator/opschortingen")).json()["aantal"] == 1
        # the query's key is not taken: an instruction may use it
        assert (await c.post(opdracht.PAD, json=opdracht.verzoek("q-1"))).status_code == 201


FOUTCODE = {
    "belastingdienst": lambda b: b["foutcode"],
    "cjib": lambda b: b["code"],
    "duo": lambda b: b["fout"]["code"],
    "uwv": lambda b: b["meldingen"][0]["code"],
    "ind": lambda b: b["code"],
}
VORDERING = {
    "belastingdienst": "2023.ZVW.000102",
    "cjib": "STRAF-2024-000219",
    "duo": "SF-2019-000119",
    "uwv": "TV-WW-2025-000119",
    "ind": "IND-LG-2026-000119",
}


@pytest.mark.parametrize("agency", list(AGENCIES))
async def test_the_fault_switch_hits_queries(agency):
    module, api, _ = AGENCIES[agency]
    async with client(module) as c:
        zet = await c.post("/_simulator/storingen", json={"vordering": VORDERING[agency]})
        assert zet.status_code == 201
        geraakt = await c.post(api.PAD, json=api.vraag("999990019"))
        assert geraakt.status_code == 500
        assert FOUTCODE[agency](geraakt.json()) == "STORING"  # the agency's own error shape
        ander = await c.post(api.PAD, json=api.vraag("999990020", sleutel="q-2"))
        assert ander.status_code in (200, 404)  # not hit: the partner does not hold the claim
        await c.post("/_simulator/storingen", json={"sleutel": "q-3", "aantal": 1})
        assert (
            await c.post(api.PAD, json=api.vraag("999990032", sleutel="q-3"))
        ).status_code == 500
        storingen = (await c.get("/_simulator/storingen")).json()["storingen"]
        assert [s["geraakt"] for s in storingen] == [1]  # the one-shot fault went after its hit
        await c.delete("/_simulator/storingen")
        assert (await c.post(api.PAD, json=api.vraag("999990019"))).status_code == 200


async def test_the_data_of_an_added_person_survive_a_restart(tmp_path):
    toestand = tmp_path / "belastingdienst.sqlite3"
    persoon = {
        "bsn": "999990068",
        "relatienummer": "BD-R-100068",
        "naam": "G. Mulder (testpersoon)",
        "afgeschermd": False,
        "aanslagen": [
            {
                "aanslagnummer": "2025.IB.000168",
                "middel": "IB",
                "belastingjaar": 2025,
                "oorspronkelijkBedrag": "500.00",
                "openstaandBedrag": "125.25",
            }
        ],
        "toeslagen": [
            {"toeslag": "ZORGTOESLAG", "berekeningsjaar": 2026, "voorschotPerMaand": "99.00"}
        ],
    }
    api = test_belastingdienst_inlichtingen
    async with client(belastingdienst, toestand) as c:
        assert (await c.post("/_simulator/personen", json=persoon)).status_code == 201
    async with client(belastingdienst, toestand) as c:
        body = (await c.post(api.PAD, json=api.vraag("999990068", api.ALLE))).json()
    (aanslag,) = body["aanslagen"]["items"]
    assert (aanslag["oorspronkelijkBedragInCenten"], aanslag["openstaandBedragInCenten"]) == (
        50000,
        12525,
    )
    assert body["toeslagen"][0]["voorschotPerMaandInCenten"] == 9900


async def test_a_shielded_person_stays_shielded_after_a_restart(tmp_path):
    toestand = tmp_path / "duo.sqlite3"
    persoon = {
        "bsn": "999990068",
        "debiteurnummer": "DUO-D-7000068",
        "naam": "G. Mulder (testpersoon)",
        "vertrouwelijk": True,
        "schulden": [],
    }
    api = test_duo_opvraging
    async with client(duo, toestand) as c:
        assert (await c.post("/_simulator/personen", json=persoon)).status_code == 201
    async with client(duo, toestand) as c:
        r = await c.post(api.PAD, json=api.vraag("999990068"))
    assert r.status_code == 403


@pytest.mark.parametrize("agency", list(AGENCIES))
async def test_no_bsn_in_a_log_line(agency, caplog):
    module, api, _ = AGENCIES[agency]
    caplog.set_level(logging.DEBUG)
    async with client(module) as c:
        for bsn in PERSONEN:
            await c.post(api.PAD, json=api.vraag(bsn, sleutel=f"q-{bsn[-3:]}"))
        body = api.vraag()
        body.pop(
            next(
                k
                for k in body
                if k not in ("verzoekKenmerk", "referentieKetenpartner", "verzoekId")
            )
        )
        await c.post(api.PAD, json=body)  # a 400 does not echo the BSN into a log line either
    assert caplog.records
    for bsn in PERSONEN:
        assert bsn not in caplog.text
