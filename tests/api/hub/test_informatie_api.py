"""Information requests over the API, with FastStream's in-memory broker: checked against the
agreements, one sealed message per agency per person, answers (as a connector builds them) taken
after the second minimisation check, content readable by the requester only, purged after the
retention, every exchange in the processing log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hub.service.retention import purge_expired
from schemas import CloudEvent, make_event, parse_event
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.informatie import (
    Gegeven,
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    InformatieVerzoek,
    NietVerstrekt,
    Weigeringsgrond,
)
from schemas.organisaties import LOKET, UITVOERDERS, Uitvoerder
from schemas.topics import dead_letter_topic, informatie_antwoord_topic, informatie_verzoek_topic
from schemas.versleuteling import (
    generate_private_key,
    load_public_key_text,
    open_sealed,
    public_key_text,
    seal,
)
from tests.api.hub.conftest import wait_for
from tests.api.hub.test_api import BSN
from tests.support.loket import casus_body, opschorting_body
from tests.support.polling import poll_pause

ANDER = "999990020"
WAMS = {"regeling": "Wet aanpak meervoudige problematiek sociaal domein"}


class Klok:
    """The hub's clock, moved by the test (the retention counts from when content arrived)."""

    def __init__(self) -> None:
        self.nu = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.nu


@pytest.fixture
def klok(hub_app) -> Klok:
    hub = hub_app.state.hub
    klok = Klok()
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    return klok


async def casus(loket, *bsns: str) -> tuple[str, list[str]]:
    response = await loket.post("/api/v1/casussen", json=casus_body(*(bsns or (BSN,))))
    assert response.status_code == 201, response.text
    body = response.json()
    return body["casus_id"], [lid["pseudoniem"] for lid in body["huishouden"]]


def body(personen: list[str], *uitvoerders: tuple[str, list[str]], **anders: Any) -> dict:
    return {
        "doel": "schuldenoverzicht",
        "grondslag": WAMS,
        "uitvoerders": [{"uitvoerder": u, "categorieen": c} for u, c in uitvoerders],
        "personen": personen,
        **anders,
    }


async def vraag(client, casus_id: str, verzoek: dict, status: int = 201) -> dict:
    response = await client.post(f"/api/v1/casussen/{casus_id}/informatieverzoeken", json=verzoek)
    assert response.status_code == status, response.text
    return response.json()


async def berichten(client, agency: str, n: int) -> list[CloudEvent[Any]]:
    """The first ``n`` information requests published on ``agency``'s own topic."""
    topic = informatie_verzoek_topic(agency).name
    raw = await wait_for(
        lambda: len(client.published.get(topic, [])) >= n and client.published[topic]
    )
    return [parse_event(r) for r in raw]


def verstrekt(
    event: CloudEvent[Any],
    inhoud: dict[str, str] | list[tuple[str, str]],
    *,
    gevraagd: tuple[str, ...] | None = None,
    niet: dict[str, Weigeringsgrond] | None = None,
) -> CloudEvent[Any]:
    """An answer as a connector builds it: each content sealed for the request's receiver key."""
    verzoek: InformatieVerzoek = event.data
    assert verzoek.ontvanger_sleutel is not None
    sleutel = load_public_key_text(verzoek.ontvanger_sleutel)
    pseudoniem = verzoek.personen[0].pseudoniem
    data = InformatieVerstrekt(
        verzoek_id=verzoek.verzoek_id,
        casus_id=verzoek.casus_id,
        verstrekker=verzoek.verstrekker,
        verzoek_event_id=event.id,
        gevraagde_categorieen=tuple(
            Gegevenscategorie(c) for c in gevraagd or verzoek.gevraagde_categorieen
        ),
        gegevens=tuple(
            Gegeven(
                categorie=Gegevenscategorie(c),
                pseudoniem=pseudoniem,
                inhoud=seal(tekst, sleutel),
                peildatum=dt.date(2026, 11, 30),
            )
            for c, tekst in (inhoud.items() if isinstance(inhoud, dict) else inhoud)
        ),
        niet_verstrekt=tuple(
            NietVerstrekt(categorie=Gegevenscategorie(c), redencode=r)
            for c, r in (niet or {}).items()
        ),
        verstrekt_op=dt.datetime.now(dt.UTC),
        gemeente=verzoek.gemeente,  # the municipality asked answers (gemeente only)
    )
    return antwoord_event(data)


def geweigerd(event: CloudEvent[Any], redencode: Weigeringsgrond, reden: str) -> CloudEvent[Any]:
    verzoek: InformatieVerzoek = event.data
    return antwoord_event(
        InformatieGeweigerd(
            verzoek_id=verzoek.verzoek_id,
            casus_id=verzoek.casus_id,
            verstrekker=verzoek.verstrekker,
            verzoek_event_id=event.id,
            redencode=redencode,
            reden=reden,
            geweigerd_op=dt.datetime.now(dt.UTC),
            gemeente=verzoek.gemeente,
        )
    )


def antwoord_event(data: Any) -> CloudEvent[Any]:
    return make_event(
        data,
        source=UITVOERDERS[Uitvoerder(data.verstrekker)].source,
        subject=data.casus_id,
        event_id=str(uuid.uuid4()),
    )


async def publiceer(client, event: CloudEvent[Any]) -> None:
    """On the answering agency's own answer topic: only it may write there."""
    agency = event.data.verstrekker if hasattr(event.data, "verstrekker") else event.data.uitvoerder
    topic = informatie_antwoord_topic(agency).name
    await client.broker.publish(event.to_bytes(), topic, key=event.subject.encode())


async def lees(client, informatieverzoek_id: str, status: int = 200) -> dict:
    response = await client.get(f"/api/v1/informatieverzoeken/{informatieverzoek_id}")
    assert response.status_code == status, response.text
    return response.json()


def antwoord_van(view: dict, agency: str, pseudoniem: str | None = None) -> dict:
    return next(
        a
        for a in view["antwoorden"]
        if a["uitvoerder"] == agency and (pseudoniem is None or a["pseudoniem"] == pseudoniem)
    )


async def test_a_request_is_recorded_and_one_sealed_message_goes_per_agency_per_person(
    loket, agency_keys, klok
):
    casus_id, personen = await casus(loket, BSN, ANDER)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/informatieverzoeken",
        json=body(
            personen, ("belastingdienst", ["vorderingen", "beslagen"]), ("duo", ["vorderingen"])
        ),
    )
    assert response.status_code == 201, response.text
    view = response.json()
    assert (
        response.headers["location"]
        == f"/api/v1/informatieverzoeken/{view['informatieverzoek_id']}"
    )
    assert BSN not in response.text and ANDER not in response.text
    assert (view["status"], view["ontvanger"], view["doel"]) == (
        "pending",
        "hub",
        "schuldenoverzicht",
    )
    assert [(a["uitvoerder"], a["pseudoniem"], a["status"]) for a in view["antwoorden"]] == [
        ("belastingdienst", p, "pending") for p in sorted(personen)
    ] + [("duo", p, "pending") for p in sorted(personen)]
    assert antwoord_van(view, "duo")["afspraak"] == {"kenmerk": "AFS-DUO-2026-01", "versie": 2}
    hub_sleutel = public_key_text(loket.app.state.hub.deps.secrets.bsn_sleutel.public_key())
    for agency, categorieen in (
        ("belastingdienst", ("vorderingen", "beslagen")),
        ("duo", ("vorderingen",)),
    ):
        events = await berichten(loket, agency, 2)
        assert len(events) == 2
        assert {e.id for e in events} == {
            a["instructie_id"] for a in view["antwoorden"] if a["uitvoerder"] == agency
        }
        bsns = set()
        for event in events:
            assert BSN.encode() not in event.to_bytes() and event.subject == casus_id
            data = event.data
            assert isinstance(data, InformatieVerzoek) and data.verstrekker == agency
            assert data.verzoek_id == view["informatieverzoek_id"]
            assert data.gevraagde_categorieen == categorieen
            assert data.ontvanger_sleutel == hub_sleutel
            assert data.verzoeker.oin == LOKET.oin
            [persoon] = data.personen
            bsn = open_sealed(persoon.bsn_versleuteld, agency_keys[agency])
            bsns.add((persoon.pseudoniem, bsn))
            ander = next(a for a in agency_keys if a != agency)
            with pytest.raises(ValueError):
                open_sealed(persoon.bsn_versleuteld, agency_keys[ander])
        assert bsns == {(personen[0], BSN), (personen[1], ANDER)}
    assert not loket.published.get(informatie_verzoek_topic("cjib").name)


async def test_a_request_outside_the_agreement_is_422_and_never_recorded_or_sent(loket):
    casus_id, personen = await casus(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/informatieverzoeken",
        json=body(personen, ("cjib", ["vorderingen"]), ("duo", ["vorderingen", "toeslagen"])),
    )
    assert response.status_code == 422
    [fout] = response.json()["detail"]
    assert fout["field"] == "uitvoerders.1.categorieen.1" and fout["type"] == "buiten-afspraak"
    assert "duo may not give toeslagen" in fout["message"]
    lijst = await loket.get(f"/api/v1/casussen/{casus_id}/informatieverzoeken")
    assert lijst.status_code == 200 and lijst.json()["totaal"] == 0
    for agency in ("cjib", "duo"):
        assert not loket.published.get(informatie_verzoek_topic(agency).name)


async def test_bad_requests_name_their_field(loket, cjib, hub_app):
    casus_id, personen = await casus(loket)
    goed = body(personen, ("cjib", ["vorderingen"]))
    slecht = [
        ({**goed, "ontvanger_sleutel": "A" * 42 + "!"}, "ontvanger_sleutel"),
        ({**goed, "reageer_binnen_uren": 0}, "reageer_binnen_uren"),
        ({**goed, "reageer_binnen_uren": 721}, "reageer_binnen_uren"),
        ({**goed, "personen": ["psn-onbekend"]}, "personen.0"),
        ({k: v for k, v in goed.items() if k != "doel"}, "doel"),
    ]
    for verzoek, veld in slecht:
        response = await loket.post(
            f"/api/v1/casussen/{casus_id}/informatieverzoeken", json=verzoek
        )
        assert response.status_code == 422, (veld, response.text)
        assert response.json()["detail"][0]["field"] == veld
    # CJIB takes no part in this casus (no time-out of it went to CJIB): 403.
    response = await cjib.post(f"/api/v1/casussen/{casus_id}/informatieverzoeken", json=goed)
    assert response.status_code == 403 and response.json()["detail"][0]["field"] == "casus_id"
    response = await loket.post("/api/v1/casussen/MW-2026-999999/informatieverzoeken", json=goed)
    assert response.status_code == 404
    # An agency without a key is not connected: 422 naming it, nothing sent.
    (hub_app.state.hub.settings.keys_dir / "cjib.pub").unlink()
    hub_app.state.hub.deps.keys._cache.clear()
    response = await loket.post(f"/api/v1/casussen/{casus_id}/informatieverzoeken", json=goed)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "uitvoerders.0.uitvoerder"
    assert not loket.published.get(informatie_verzoek_topic("cjib").name)


async def test_an_answer_sealed_for_the_requester_is_readable_by_the_requester_only(
    loket, cjib, operator
):
    eigen: X25519PrivateKey = generate_private_key()
    casus_id, personen = await casus(loket)
    view = await vraag(
        loket,
        casus_id,
        body(
            personen,
            ("belastingdienst", ["vorderingen", "procedures"]),
            ontvanger_sleutel=public_key_text(eigen.public_key()),
        ),
    )
    assert view["ontvanger"] == "verzoeker"
    [event] = await berichten(loket, "belastingdienst", 1)
    assert event.data.ontvanger_sleutel == public_key_text(eigen.public_key())
    await publiceer(
        loket,
        verstrekt(
            event,
            {"vorderingen": "IB 2023: 1.907,50 open"},
            niet={"procedures": Weigeringsgrond.GEEN_GEGEVENS},
        ),
    )
    verzoek_id = view["informatieverzoek_id"]
    gelezen = await wait_for_status(loket, verzoek_id, "incomplete")
    antwoord = antwoord_van(gelezen, "belastingdienst")
    assert antwoord["status"] == "partially_confirmed" and antwoord["verstrekt_op"]
    assert antwoord["niet_verstrekt"] == [{"categorie": "procedures", "redencode": "geen-gegevens"}]
    [gegeven] = antwoord["gegevens"]
    assert gegeven["inhoud"] is None and gegeven["categorie"] == "vorderingen"
    assert open_sealed(gegeven["inhoud_verzegeld"], eigen) == "IB 2023: 1.907,50 open"
    with pytest.raises(ValueError):
        open_sealed(gegeven["inhoud_verzegeld"], loket.app.state.hub.deps.secrets.bsn_sleutel)
    await lees(cjib, verzoek_id, 404)
    ops = await lees(operator, verzoek_id)
    [ops_gegeven] = antwoord_van(ops, "belastingdienst")["gegevens"]
    assert ops_gegeven["inhoud"] is None and ops_gegeven["inhoud_verzegeld"] is None


async def wait_for_status(client, verzoek_id: str, status: str) -> dict:
    async def poll() -> dict:
        return await lees(client, verzoek_id)

    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    while True:
        view = await poll()
        if view["status"] == status:
            return view
        if dt.datetime.now(dt.UTC) > deadline:
            raise AssertionError(f"status {view['status']}, not {status}")
        await _pause()


async def _pause() -> None:
    await poll_pause()


async def test_the_hub_opens_content_sealed_for_it_for_the_requester_and_audits_the_reading(
    loket, klok
):
    casus_id, personen = await casus(loket)
    view = await vraag(loket, casus_id, body(personen, ("cjib", ["vorderingen"])))
    [event] = await berichten(loket, "cjib", 1)
    await publiceer(loket, verstrekt(event, {"vorderingen": "Boete 2025: 678,00"}))
    gelezen = await wait_for_status(loket, view["informatieverzoek_id"], "confirmed")
    [gegeven] = antwoord_van(gelezen, "cjib")["gegevens"]
    assert gegeven["inhoud"] == "Boete 2025: 678,00" and gegeven["inhoud_verzegeld"] is None
    audit = (await loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    acties = [a["actie"] for a in audit]
    assert acties[-3:] == ["informatie.gevraagd", "informatie.confirmed", "informatie.gelezen"]
    assert "Boete" not in str(audit)
    assert BSN not in str(audit)


async def test_an_answer_with_an_extra_category_is_dead_lettered_naming_it_and_a_later_one_taken(
    loket, operator
):
    casus_id, personen = await casus(loket)
    view = await vraag(loket, casus_id, body(personen, ("belastingdienst", ["vorderingen"])))
    [event] = await berichten(loket, "belastingdienst", 1)
    te_veel = verstrekt(
        event,
        {"vorderingen": "IB 2023", "toeslagen": "Huurtoeslag 2024"},
        gevraagd=("vorderingen", "toeslagen"),
    )
    await publiceer(loket, te_veel)

    async def afgewezen() -> list[dict]:
        response = await operator.get("/api/v1/ops/dead-letters")
        assert response.status_code == 200, response.text
        return [d for d in response.json()["items"] if d["event_id"] == te_veel.id]

    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    while not (letters := await afgewezen()):
        if dt.datetime.now(dt.UTC) > deadline:  # what the hub did publish and keep, to see why
            listed = (await operator.get("/api/v1/ops/dead-letters")).json()
            set_aside = loket.published.get(dead_letter_topic("hub").name, [])
            raise AssertionError(f"no dead letter kept: {len(set_aside)} published; {listed}")
        await _pause()
    [letter] = letters
    assert letter["redencode"] == "antwoord-afgewezen"
    assert "gegevens carries toeslagen, not asked of belastingdienst" in letter["reason"]
    assert (
        antwoord_van(await lees(loket, view["informatieverzoek_id"]), "belastingdienst")["status"]
        == "pending"
    )
    await publiceer(loket, verstrekt(event, {"vorderingen": "IB 2023"}))
    gelezen = await wait_for_status(loket, view["informatieverzoek_id"], "confirmed")
    assert [g["inhoud"] for g in antwoord_van(gelezen, "belastingdienst")["gegevens"]] == [
        "IB 2023"
    ]


async def test_a_refusal_and_a_delivery_failure_show_per_question(loket, klok):
    casus_id, personen = await casus(loket, BSN, ANDER)
    view = await vraag(loket, casus_id, body(personen, ("duo", ["vorderingen"])))
    events = await berichten(loket, "duo", 2)
    eerste, tweede = sorted(events, key=lambda e: e.data.personen[0].pseudoniem == personen[1])
    await publiceer(
        loket, geweigerd(eerste, Weigeringsgrond.ONBEKENDE_PERSOON, "Niet bekend bij DUO")
    )
    mislukt = make_event(
        AfleveringMislukt(
            casus_id=casus_id,
            uitvoerder=Uitvoerder.DUO,
            instructie_id=tweede.id,
            instructie_type=tweede.type,
            redencode=AfleveringReden.BACKOFFICE_ONBEREIKBAAR,
            toelichting="DUO antwoordt niet",
            definitief=False,
            pogingen=3,
            gemeld_op=dt.datetime.now(dt.UTC),
        ),
        source=UITVOERDERS[Uitvoerder.DUO].source,
        subject=casus_id,
    )
    await publiceer(loket, mislukt)
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    while True:
        gelezen = await lees(loket, view["informatieverzoek_id"])
        statussen = {a["pseudoniem"]: a["status"] for a in gelezen["antwoorden"]}
        if statussen == {personen[0]: "refused", personen[1]: "undeliverable"}:
            break
        assert dt.datetime.now(dt.UTC) < deadline, statussen
        await _pause()
    refused = antwoord_van(gelezen, "duo", personen[0])
    assert (refused["redencode"], refused["reden"]) == ("onbekende-persoon", "Niet bekend bij DUO")
    assert gelezen["status"] == "pending"
    aflevering = antwoord_van(gelezen, "duo", personen[1])["aflevering"]
    assert (aflevering["redencode"], aflevering["definitief"]) == (
        "backoffice-onbereikbaar",
        False,
    )
    klok.nu += dt.timedelta(hours=49)
    assert antwoord_van(await lees(loket, view["informatieverzoek_id"]), "duo", personen[1])["late"]


async def test_the_content_is_purged_after_the_retention_and_the_fact_stays(loket, klok):
    casus_id, personen = await casus(loket)
    view = await vraag(loket, casus_id, body(personen, ("cjib", ["vorderingen"])))
    [event] = await berichten(loket, "cjib", 1)
    await publiceer(loket, verstrekt(event, {"vorderingen": "Boete 2025"}))
    await wait_for_status(loket, view["informatieverzoek_id"], "confirmed")
    hub = loket.app.state.hub
    klok.nu += dt.timedelta(hours=hub.settings.informatie_bewaartermijn_uren - 1)
    assert (await purge_expired(hub.uow(), hub.deps)).informatie_inhoud == 0
    klok.nu += dt.timedelta(hours=2)
    assert (await purge_expired(hub.uow(), hub.deps)).informatie_inhoud == 1
    [gegeven] = antwoord_van(await lees(loket, view["informatieverzoek_id"]), "cjib")["gegevens"]
    assert gegeven["inhoud"] is None and gegeven["inhoud_verzegeld"] is None
    assert (gegeven["categorie"], gegeven["pseudoniem"]) == ("vorderingen", personen[0])
    assert dt.datetime.fromisoformat(gegeven["verwijderd_op"]) == klok.nu


async def test_every_message_and_answer_is_in_the_processing_log_per_pseudonym(loket, klok):
    casus_id, personen = await casus(loket, BSN, ANDER)
    view = await vraag(loket, casus_id, body(personen, ("cjib", ["vorderingen", "beslagen"])))
    events = await berichten(loket, "cjib", 2)
    van_eerste = next(e for e in events if e.data.personen[0].pseudoniem == personen[0])
    await publiceer(
        loket,
        verstrekt(
            van_eerste, {"vorderingen": "x"}, niet={"beslagen": Weigeringsgrond.GEEN_GEGEVENS}
        ),
    )
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    while True:
        response = await loket.get("/api/v1/verwerkingen", params={"pseudoniem": personen[0]})
        log = response.json()["verwerkingen"]
        if len(log) == 2:
            break
        assert dt.datetime.now(dt.UTC) < deadline, log
        await _pause()
    # The same instant on the test's clock: told apart by their outcome.
    [antwoord] = [v for v in log if v["uitkomst"] is not None]
    [gevraagd] = [v for v in log if v["uitkomst"] is None]
    cjib = UITVOERDERS[Uitvoerder.CJIB].oin
    for entry in (antwoord, gevraagd):
        assert (entry["vrager"], entry["verstrekker"], entry["ontvanger"]) == (
            LOKET.oin,
            cjib,
            LOKET.oin,
        )
        assert entry["doel"] == "schuldenoverzicht" and entry["casus_id"] == casus_id
        assert entry["grondslag"] == WAMS["regeling"] and entry["pseudoniemen"] == [personen[0]]
    assert gevraagd["categorieen"] == ["vorderingen", "beslagen"] and gevraagd["uitkomst"] is None
    assert antwoord["categorieen"] == ["vorderingen"] and antwoord["uitkomst"] == "deels-verstrekt"
    ander = (await loket.get("/api/v1/verwerkingen", params={"pseudoniem": personen[1]})).json()
    assert [v["categorieen"] for v in ander["verwerkingen"]] == [["vorderingen", "beslagen"]]
    per_persoon = (await loket.post("/api/v1/verwerkingen/zoek", json={"bsn": BSN})).json()
    assert per_persoon["totaal"] == 2
    assert view["informatieverzoek_id"]


async def test_an_agency_in_a_time_out_asks_and_sees_only_its_own_requests(loket, cjib):
    casus_id, personen = await casus(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body("cjib")
    )
    assert response.status_code == 201
    eigen = await vraag(
        cjib,
        casus_id,
        body(personen, ("belastingdienst", ["vorderingen"]), doel="opschorting"),
        status=422,
    )
    assert eigen["detail"][0]["type"] == "buiten-afspraak"  # no agreement lets BD give to CJIB
    loket_vraag = await vraag(loket, casus_id, body(personen, ("duo", ["vorderingen"])))
    lijst = (await cjib.get(f"/api/v1/casussen/{casus_id}/informatieverzoeken")).json()
    assert lijst["totaal"] == 0
    await lees(cjib, loket_vraag["informatieverzoek_id"], 404)
    lijst = (await loket.get(f"/api/v1/casussen/{casus_id}/informatieverzoeken")).json()
    assert [v["informatieverzoek_id"] for v in lijst["items"]] == [
        loket_vraag["informatieverzoek_id"]
    ]


async def test_ops_metrics_and_the_casus_view_count_questions_but_list_no_time_out(loket, operator):
    casus_id, personen = await casus(loket, BSN, ANDER)
    gevraagd = await vraag(loket, casus_id, body(personen, ("cjib", ["vorderingen"])))
    response = await operator.get("/api/v1/ops/overzicht")
    assert response.status_code == 200
    overzicht = response.json()
    assert overzicht["opschortingen"] == {"pending": 0, "confirmed": 0, "incomplete": 0}
    assert overzicht["verzoeken"]["pending"] == 2
    metrics = (await operator.get("/metrics")).text
    assert 'hub_requests_pending{uitvoerder="cjib"} 2.0' in metrics
    view = (await loket.get(f"/api/v1/casussen/{casus_id}")).json()
    assert view["instrumenten"] == {
        "opschortingen": [],
        "informatieverzoeken": [gevraagd["informatieverzoek_id"]],
        "schuldenoverzichten": [],
        "escalaties": [],
        "afwijkingen": [],
        "overbruggingen": [],
    }
    assert view["onbestelbaar"] == []


async def test_an_idempotency_key_records_and_sends_the_request_once(loket):
    casus_id, personen = await casus(loket)
    verzoek = body(personen, ("duo", ["vorderingen"]))
    pad = f"/api/v1/casussen/{casus_id}/informatieverzoeken"
    headers = {"Idempotency-Key": "vraag-1"}
    eerste = await loket.post(pad, json=verzoek, headers=headers)
    tweede = await loket.post(pad, json=verzoek, headers=headers)
    assert eerste.status_code == tweede.status_code == 201
    assert eerste.json() == tweede.json()
    assert (await loket.get(pad)).json()["totaal"] == 1
    assert len(await berichten(loket, "duo", 1)) == 1


async def test_being_asked_for_information_is_no_part_in_the_casus(loket, cjib):
    casus_id, personen = await casus(loket)
    await vraag(loket, casus_id, body(personen, ("cjib", ["vorderingen"])))
    verzoek = body(personen, ("duo", ["vorderingen"]))
    response = await cjib.post(f"/api/v1/casussen/{casus_id}/informatieverzoeken", json=verzoek)
    assert response.status_code == 403
    toets = await cjib.post(f"/api/v1/casussen/{casus_id}/informatieverzoeken/toets", json=verzoek)
    assert toets.status_code == 403
