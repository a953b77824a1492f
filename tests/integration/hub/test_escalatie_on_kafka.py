"""On a real broker with mutual TLS: an escalation's messages arrive on the escalation topic, in
order, keyed on the casus, and the LET reads them with its own certificate and group (the ACLs
of the catalogue)."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.app import create_app
from hub.settings import Settings
from schemas import parse_event
from schemas.escalatie import EscalatieAangemeld
from schemas.topics import ESCALATIE
from tests.api.hub.test_escalatie_api import AANMELDING, casus_in_behandeling, vandaag
from tests.integration.hub.test_hub_on_kafka import read_matching
from tests.support.identiteit import client_for
from tests.support.kafka import hub_group_at_end, kafka_tls
from tests.support.pki import make_pki

pytestmark = pytest.mark.kafka


@pytest.fixture
async def clients(kafka_bootstrap, tmp_path):
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    tls = kafka_tls("hub")
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_ssl_cafile=None if tls is None else tls.cafile,
        kafka_ssl_certfile=None if tls is None else tls.certfile,
        kafka_ssl_keyfile=None if tls is None else tls.keyfile,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        keys_dir=keys_dir,
        consumer_group=hub_group_at_end(kafka_bootstrap),
        outbox_poll_seconds=0.1,
    )
    app = create_app(settings)
    pki = make_pki(tmp_path / "pki")
    async with (
        app.router.lifespan_context(app),
        client_for(app, pki.pem("loket")) as loket,
        client_for(app, pki.pem("let")) as let,
    ):
        yield loket, let


async def test_an_escalation_reaches_the_let_on_the_topic(clients, kafka_bootstrap):
    loket, let = clients
    casus_id = await casus_in_behandeling(loket)
    r = await loket.post(f"/api/v1/casussen/{casus_id}/escalaties", json=AANMELDING)
    assert r.status_code == 201, r.text
    escalatie_id = r.json()["escalatie_id"]
    pad = f"/api/v1/escalaties/{escalatie_id}"
    aanvang = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    stappen = [
        ("overleg", {"aanvang": aanvang, "locatie": "online"}),
        (
            "uitkomst",
            {
                "uitkomst": "terugverwezen",
                "besluit": "Terug naar het loket met de opdracht een regeling te treffen.",
                "actiepunten": [
                    {
                        "omschrijving": "Regeling voorstellen",
                        "verantwoordelijke": "00000001999999990102",
                        "uiterlijk": (vandaag() + dt.timedelta(days=7)).isoformat(),
                    }
                ],
            },
        ),
        ("actiepunten/1/afronding", None),
        ("knelpunten", {"categorie": "samenwerking", "omschrijving": "Geen contactpunt"}),
    ]
    for pad_stap, body in stappen:
        r = await let.post(f"{pad}/{pad_stap}", json=body)
        assert r.status_code in (200, 201), r.text

    records = await read_matching(
        kafka_bootstrap, ESCALATIE.name, casus_id, 5, within=60, als="let"
    )
    events = [parse_event(r.value) for r in records]
    assert [e.type for e in events] == [
        "nl.maatwerk.escalatie.aangemeld.v1",
        "nl.maatwerk.escalatie.overleg-gepland.v1",
        "nl.maatwerk.escalatie.uitkomst-vastgesteld.v1",
        "nl.maatwerk.escalatie.actiepunt-afgerond.v1",
        "nl.maatwerk.escalatie.knelpunt-geregistreerd.v1",
    ]
    assert all(e.subject == casus_id and e.data.escalatie_id == escalatie_id for e in events)
    aangemeld = events[0].data
    assert isinstance(aangemeld, EscalatieAangemeld)
    assert len(aangemeld.zonder_contact) == 3  # nobody in the register: flagged, all invited
    assert b"999990019" not in b"".join(r.value for r in records)
