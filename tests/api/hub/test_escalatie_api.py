"""The escalation to the LET over the API (SQLite, in-memory broker): the loket escalates, the
LET schedules, records the outcome, an action done and knelpunten; the dossier is read only by
those invited, each read in the processing log; knelpunten are reported and exported as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from schemas import parse_event
from schemas.organisaties import LET, LOKET, UITVOERDERS, Uitvoerder
from schemas.topics import ESCALATIE
from tests.api.hub.conftest import _with_hub, wait_for
from tests.support.loket import casus_body, opschorting_body

BSN = "999990019"
CJIB = UITVOERDERS[Uitvoerder.CJIB].oin
DUO = UITVOERDERS[Uitvoerder.DUO].oin
BD = UITVOERDERS[Uitvoerder.BELASTINGDIENST].oin
UTRECHT = "00000001999999990201"


@pytest.fixture
async def let(hub_app, clients):
    """The LET secretary's client (the LET's certificate)."""
    return _with_hub(clients(hub_app, "let"), hub_app)


def vandaag() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()


async def casus_in_behandeling(loket) -> str:
    response = await loket.post("/api/v1/casussen", json=casus_body(BSN))
    assert response.status_code == 201, response.text
    casus_id = response.json()["casus_id"]
    for path, body in (("acceptatie", None), ("behandeling", {"behandelteam": "Team A"})):
        r = await loket.post(f"/api/v1/casussen/{casus_id}/{path}", json=body)
        assert r.status_code == 200, r.text
    return casus_id


AANMELDING = {
    "reden": "Geen akkoord over de invordering",
    "samenvatting": "Huishouden met schulden bij drie uitvoerders.",
    "vraag": "Kan de invordering stoppen tot de schuldregeling loopt?",
}


async def escaleer(loket, **changes) -> tuple[str, dict]:
    casus_id = await casus_in_behandeling(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/escalaties", json={**AANMELDING, **changes}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/escalaties/{body['escalatie_id']}"
    return casus_id, body


def escalatie_berichten(client, escalatie_id: str) -> list:
    events = [parse_event(raw) for raw in client.published.get(ESCALATIE.name, [])]
    return [e for e in events if e.data.escalatie_id == escalatie_id]


async def test_an_escalation_end_to_end(loket, let, cjib):
    casus_id = await casus_in_behandeling(loket)
    ordered = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body("cjib")
    )
    assert ordered.status_code == 201, ordered.text
    response = await loket.post(f"/api/v1/casussen/{casus_id}/escalaties", json=AANMELDING)
    assert response.status_code == 201, response.text
    e = response.json()
    escalatie_id = e["escalatie_id"]
    assert e["status"] == "aangemeld" and e["toegestaan"] == ["gepland"]
    assert [i["soort"] for i in e["dossier"]["lopende_instrumenten"]] == ["opschorting"]
    assert [u["partij"]["oin"] for u in e["uitnodigingen"]] == [BD, CJIB, DUO]
    assert all(u["zonder_contact"] for u in e["uitnodigingen"])  # nobody registered here
    assert len(e["zonder_contact"]) == 3

    casus = (await loket.get(f"/api/v1/casussen/{casus_id}")).json()
    assert casus["status"] == "opgeschaald"
    assert casus["instrumenten"]["escalaties"] == [escalatie_id]

    aanvang = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    r = await let.post(
        f"/api/v1/escalaties/{escalatie_id}/overleg",
        json={"aanvang": aanvang, "locatie": "online", "agenda": ["Invordering CJIB"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "gepland"
    uiterlijk = (vandaag() + dt.timedelta(days=14)).isoformat()
    r = await let.post(
        f"/api/v1/escalaties/{escalatie_id}/uitkomst",
        json={
            "uitkomst": "oplossing",
            "besluit": "Het CJIB schort de invordering op tot de regeling loopt.",
            "verantwoordelijke": CJIB,
            "actiepunten": [
                {
                    "omschrijving": "Invordering stoppen",
                    "verantwoordelijke": CJIB,
                    "uiterlijk": uiterlijk,
                },
            ],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["actiepunten"][0]["achterstallig"] is False
    r = await let.post(f"/api/v1/escalaties/{escalatie_id}/actiepunten/1/afronding")
    assert r.status_code == 200, r.text
    assert r.json()["actiepunten"][0]["afgerond_op"] is not None
    r = await let.post(
        f"/api/v1/escalaties/{escalatie_id}/knelpunten",
        json={
            "categorie": "wetgeving",
            "regel": {"regeling": "Invorderingswet 1990", "artikel": "artikel 19"},
            "omschrijving": "=Geen ruimte om af te wijken",
            "betrokken_partijen": [CJIB],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["maand"] == vandaag().strftime("%Y-%m")

    soorten = await wait_for(
        lambda: (
            (s := [ev.type for ev in escalatie_berichten(loket, escalatie_id)])
            and len(s) == 5
            and s
        )
    )
    assert soorten == [
        "nl.maatwerk.escalatie.aangemeld.v1",
        "nl.maatwerk.escalatie.overleg-gepland.v1",
        "nl.maatwerk.escalatie.uitkomst-vastgesteld.v1",
        "nl.maatwerk.escalatie.actiepunt-afgerond.v1",
        "nl.maatwerk.escalatie.knelpunt-geregistreerd.v1",
    ]
    assert {ev.subject for ev in escalatie_berichten(loket, escalatie_id)} == {casus_id}

    audit = (await loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    assert [(a["actor"], a["actie"]) for a in audit if a["actie"].startswith("escalatie.")] == [
        (f"urn:nld:oin:{LOKET.oin}", "escalatie.aangemeld"),
        (f"urn:nld:oin:{LET.oin}", "escalatie.overleg-gepland"),
        (f"urn:nld:oin:{LET.oin}", "escalatie.uitkomst-vastgesteld"),
        (f"urn:nld:oin:{LET.oin}", "escalatie.actiepunt-afgerond"),
        (f"urn:nld:oin:{LET.oin}", "escalatie.knelpunt-geregistreerd"),
    ]

    rapport = (await let.get("/api/v1/knelpunten/rapport")).json()
    assert rapport["totaal"] == 1 and rapport["per_categorie"]["wetgeving"] == 1
    assert rapport["per_regeling"] == {"Invorderingswet 1990": 1}
    export = await let.get("/api/v1/knelpunten/export", params={"categorie": "wetgeving"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    [kop, rij] = list(csv.reader(io.StringIO(export.text)))
    regel = dict(zip(kop, rij, strict=True))
    assert regel["regeling"] == "Invorderingswet 1990"
    assert regel["omschrijving"] == "'=Geen ruimte om af te wijken"  # not run as a formula


async def test_illegal_steps_are_409_naming_the_state(loket, let):
    _, e = await escaleer(loket)
    r = await let.post(
        f"/api/v1/escalaties/{e['escalatie_id']}/uitkomst",
        json={"uitkomst": "geen-oplossing", "besluit": "Geen akkoord"},
    )
    assert r.status_code == 409, r.text
    [fout] = r.json()["detail"]
    assert "is aangemeld" in fout["message"] and "allowed next: gepland" in fout["message"]
    # a casus already escalated cannot be escalated again while it is
    r = await loket.post(f"/api/v1/casussen/{e['casus_id']}/escalaties", json=AANMELDING)
    assert r.status_code == 409 and "opgeschaald" in r.text


async def test_only_those_invited_read_the_dossier_each_read_logged(loket, let, cjib, duo):
    casus_id, e = await escaleer(
        loket,
        organisaties=[{"oin": CJIB, "functie": "directeur"}, {"oin": DUO, "uitnodigen": False}],
    )
    pad = f"/api/v1/escalaties/{e['escalatie_id']}"
    assert (await duo.get(pad)).status_code == 404  # involved, not invited
    assert (await duo.get("/api/v1/escalaties/onbekend")).status_code == 404  # same answer
    r = await cjib.get(pad)
    assert r.status_code == 200, r.text
    assert r.json()["dossier"]["samenvatting"] == AANMELDING["samenvatting"]
    assert BSN not in r.text
    assert (await let.get(pad)).status_code == 200
    # an agency may not take the LET's steps, nor list escalations
    assert (await cjib.post(f"{pad}/overleg", json={})).status_code == 403
    assert (await cjib.get("/api/v1/escalaties")).status_code == 403

    log = (await loket.get("/api/v1/verwerkingen", params={"casus_id": casus_id})).json()
    gedeeld = [v for v in log["verwerkingen"] if v["doel"] == "escalatie-let"]
    assert sorted((v["verstrekker"], v["ontvanger"]) for v in gedeeld) == [
        (LOKET.oin, LET.oin),  # the dossier to the LET when escalated
        (LOKET.oin, CJIB),  # CJIB's read
    ]
    assert all(v["categorieen"] == ["escalatiedossier"] for v in gedeeld)


async def test_an_invited_municipality_reads_the_dossier_another_does_not(hub_app, clients, loket):
    utrecht = clients(hub_app, "gemeente-utrecht")
    rotterdam = clients(hub_app, "gemeente-rotterdam")
    _, e = await escaleer(
        loket,
        organisaties=[
            {"oin": UTRECHT, "functie": "wethouder"},
            {"oin": CJIB},
            {
                "oin": "00000001999999990999",
                "naam": "Woningcorporatie Voorbeeld",
                "soort": "overig",
            },
        ],
    )
    partijen = {u["partij"]["oin"]: u["partij"] for u in e["uitnodigingen"]}
    assert partijen[UTRECHT] == {"oin": UTRECHT, "naam": "Gemeente Utrecht", "soort": "gemeente"}
    pad = f"/api/v1/escalaties/{e['escalatie_id']}"
    assert (await utrecht.get(pad)).status_code == 200
    assert (await rotterdam.get(pad)).status_code == 404


async def test_bad_input_names_the_field(loket, let):
    casus_id = await casus_in_behandeling(loket)
    gevallen = [
        ({**AANMELDING, "samenvatting": f"BSN {BSN}"}, "samenvatting"),
        ({**AANMELDING, "organisaties": [{"oin": "00000001888888880001"}]}, "organisaties.0.naam"),
        ({**AANMELDING, "organisaties": [{"oin": CJIB, "uitnodigen": False}]}, "organisaties"),
        ({**AANMELDING, "onbekend": 1}, "onbekend"),
    ]
    for body, field in gevallen:
        r = await loket.post(f"/api/v1/casussen/{casus_id}/escalaties", json=body)
        assert r.status_code == 422, r.text
        assert field in [f["field"] for f in r.json()["detail"]], r.text
        assert BSN not in r.text
    casus = (await loket.get(f"/api/v1/casussen/{casus_id}")).json()
    assert casus["status"] == "in_behandeling"  # nothing of a refused escalation stayed
    _, e = await escaleer(loket)
    r = await let.post(
        f"/api/v1/escalaties/{e['escalatie_id']}/overleg",
        json={"aanvang": "2020-01-01T10:00:00Z", "locatie": "online"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "aanvang"
    r = await let.get("/api/v1/knelpunten/rapport", params={"vanaf": "2026-13"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "vanaf"


async def test_the_report_is_for_loket_let_and_operators(loket, let, operator, cjib):
    for client in (loket, let, operator):
        assert (await client.get("/api/v1/knelpunten/rapport")).status_code == 200
    assert (await cjib.get("/api/v1/knelpunten/rapport")).status_code == 403
    assert (await cjib.get("/api/v1/knelpunten/export")).status_code == 403
    # operators see the counts, not a dossier
    assert (await operator.get("/api/v1/escalaties/onbekend")).status_code == 403


async def test_the_lists_of_escalations_and_knelpunten_filter_and_page(loket, let):
    _, open_ = await escaleer(loket)
    _, gepland = await escaleer(loket)
    aanvang = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    r = await let.post(
        f"/api/v1/escalaties/{gepland['escalatie_id']}/overleg",
        json={"aanvang": aanvang, "locatie": "online"},
    )
    assert r.status_code == 200, r.text
    for escalatie, categorie in (
        (open_, "systemen"),
        (gepland, "systemen"),
        (gepland, "uitvoering"),
    ):
        r = await let.post(
            f"/api/v1/escalaties/{escalatie['escalatie_id']}/knelpunten",
            json={"categorie": categorie, "omschrijving": "Knelt", "betrokken_partijen": [DUO]},
        )
        assert r.status_code == 201, r.text

    lijst = (await loket.get("/api/v1/escalaties", params={"status": "gepland"})).json()
    assert [e["escalatie_id"] for e in lijst["items"]] == [gepland["escalatie_id"]]
    assert lijst["items"][0]["overleg_aanvang"] is not None and "dossier" not in lijst["items"][0]
    beide = (await let.get("/api/v1/escalaties", params={"per_pagina": 1})).json()
    assert beide["totaal"] == 2 and len(beide["items"]) == 1

    pagina = (
        await let.get("/api/v1/knelpunten", params={"categorie": "systemen", "per_pagina": 1})
    ).json()
    assert pagina["totaal"] == 2 and len(pagina["items"]) == 1
    assert pagina["items"][0]["escalatie_id"] == gepland["escalatie_id"]  # newest first
    per_oin = (await let.get("/api/v1/knelpunten", params={"oin": DUO})).json()
    assert per_oin["totaal"] == 3
    assert (await let.get("/api/v1/knelpunten", params={"oin": CJIB})).json()["totaal"] == 0
