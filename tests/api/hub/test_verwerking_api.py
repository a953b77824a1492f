"""The processing log through the API: per casus, per pseudonym, and per person (the right of
access), for the loket and operators; never a BSN or a lookup key in an answer or a table."""

from __future__ import annotations

import sqlite3

from schemas.organisaties import LOKET, UITVOERDERS, Uitvoerder
from tests.api.hub.test_controle_api import BSN, CONTROLE, ordered

ANDER = "999990020"


async def test_each_instruction_is_logged_per_agency_on_the_casus(loket, operator):
    chain = await ordered(loket)
    for client in (loket, operator):
        response = await client.get("/api/v1/verwerkingen", params={"casus_id": chain["casus_id"]})
        assert response.status_code == 200, response.text
        log = response.json()
        assert log["totaal"] == 2
        assert {v["ontvanger"] for v in log["verwerkingen"]} == {
            UITVOERDERS[Uitvoerder.CJIB].oin,
            UITVOERDERS[Uitvoerder.DUO].oin,
        }
        for v in log["verwerkingen"]:
            assert v["doel"] == "opschorting-instructie"
            assert v["vrager"] == LOKET.oin
            assert v["grondslag"] == "Time-outbevoegdheid Landelijk Maatwerkloket"
            assert v["categorieen"] == ["bsn", "opschorting"]
            assert v["pseudoniemen"] == [chain["pseudoniem"]]
            assert v["casus_id"] == chain["casus_id"]


async def test_the_right_of_access_finds_a_person_across_casussen_and_nobody_else(loket, cjib):
    first = await ordered(loket)
    second = await ordered(loket, "cjib")
    await ordered(loket, bsn=ANDER)
    await cjib.post(CONTROLE, json={"pseudoniem": first["pseudoniem"]})

    response = await loket.post("/api/v1/verwerkingen/zoek", json={"bsn": BSN})
    assert response.status_code == 200, response.text
    log = response.json()
    assert log["totaal"] == 4  # 2 + 1 instructions, 1 check; nothing of the other person
    assert {p for v in log["verwerkingen"] for p in v["pseudoniemen"]} == {
        first["pseudoniem"],
        second["pseudoniem"],
    }
    assert log["verwerkingen"][0]["doel"] == "controle-opschorting"  # newest first
    assert BSN not in response.text

    page = await loket.post("/api/v1/verwerkingen/zoek", json={"bsn": BSN, "per_pagina": 3})
    page2 = await loket.post(
        "/api/v1/verwerkingen/zoek", json={"bsn": BSN, "per_pagina": 3, "pagina": 2}
    )
    ids = [v["verwerking_id"] for p in (page, page2) for v in p.json()["verwerkingen"]]
    assert len(ids) == len(set(ids)) == 4


async def test_only_the_loket_and_operators_read_the_log(cjib, anoniem):
    assert (await cjib.get("/api/v1/verwerkingen", params={"casus_id": "x"})).status_code == 403
    assert (await cjib.post("/api/v1/verwerkingen/zoek", json={"bsn": BSN})).status_code == 403
    assert (await anoniem.post("/api/v1/verwerkingen/zoek", json={"bsn": BSN})).status_code == 401


async def test_bad_queries_are_422_naming_the_field_without_echoing_a_bsn(loket):
    response = await loket.post("/api/v1/verwerkingen/zoek", json={"bsn": "123456789"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["bsn"]
    assert "123456789" not in response.text
    assert (await loket.get("/api/v1/verwerkingen")).status_code == 422
    bad = await loket.get("/api/v1/verwerkingen", params={"pseudoniem": BSN})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["detail"]] == ["pseudoniem"]
    paging = await loket.get(
        "/api/v1/verwerkingen", params={"casus_id": "MWL-2026-0000000000", "per_pagina": 0}
    )
    assert [e["field"] for e in paging.json()["detail"]] == ["per_pagina"]


async def test_no_bsn_in_the_log_tables(loket, cjib, hub_settings):
    chain = await ordered(loket)
    await cjib.post(CONTROLE, json={"pseudoniem": chain["pseudoniem"]})
    path = hub_settings.database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        rows = [
            *db.execute("SELECT * FROM verwerking").fetchall(),
            *db.execute("SELECT * FROM verwerking_betrokkene").fetchall(),
        ]
    assert len(rows) == 3 + 3  # 2 instructions and a check, each with one person
    assert all(BSN not in str(value) for row in rows for value in row)
