"""The debt overview over the API, with FastStream's in-memory broker: asked of every agency in
scope with the hub as receiver, assembled from the agencies' sealed claims, purged after the
retention, and a time-out ordered on exactly its claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.service.retention import purge_expired
from schemas import CloudEvent, parse_event
from schemas.informatie import InformatieVerzoek, VorderingInhoud, Weigeringsgrond
from schemas.opschorting import Maatregel
from schemas.topics import informatie_verzoek_topic, instructie_topic
from schemas.versleuteling import generate_private_key, public_key_text, seal
from simulators import AGENCIES
from tests.api.hub import test_informatie_api
from tests.api.hub.conftest import wait_for
from tests.api.hub.test_api import BSN
from tests.api.hub.test_informatie_api import (
    _pause,
    berichten,
    casus,
    geweigerd,
    publiceer,
    verstrekt,
)
from tests.support.loket import vandaag

klok = test_informatie_api.klok
"""The hub's clock, moved by the test (a fixture)."""

CLAIMS: dict[str, list[VorderingInhoud]] = {
    "belastingdienst": [
        VorderingInhoud(
            referentie="BD-IB-2023-001",
            soort="inkomstenbelasting 2023",
            oorspronkelijk_bedrag_centen=245000,
            openstaand_bedrag_centen=190750,
            maatregelen=(Maatregel.INVORDERING, Maatregel.VERREKENING),
        ),
        VorderingInhoud(
            referentie="BD-TS-2024-017",
            soort="terugvordering zorgtoeslag 2024",
            oorspronkelijk_bedrag_centen=100000,
            openstaand_bedrag_centen=100000,
            betalingsregeling=True,
        ),
    ],
    "cjib": [
        VorderingInhoud(
            referentie="CJIB-2025-778812",
            soort="verkeersboete",
            oorspronkelijk_bedrag_centen=45000,
            openstaand_bedrag_centen=67800,
            maatregelen=(Maatregel.BESLAG,),
        ),
        VorderingInhoud(
            referentie="CJIB-2025-778813",
            soort="verkeersboete",
            oorspronkelijk_bedrag_centen=50000,
            openstaand_bedrag_centen=50000,
            bezwaar_of_beroep=True,
        ),
    ],
    "duo": [
        VorderingInhoud(
            referentie="DUO-SF-0042",
            soort="studieschuld",
            oorspronkelijk_bedrag_centen=2100000,
            openstaand_bedrag_centen=1845000,
            maatregelen=(Maatregel.INVORDERING,),
        )
    ],
    "uwv": [
        VorderingInhoud(
            referentie="TV-WW-2025-000119",
            soort="terugvordering-ww",
            oorspronkelijk_bedrag_centen=184000,
            openstaand_bedrag_centen=121500,
            maatregelen=(Maatregel.VERREKENING,),
        )
    ],
    "ind": [
        VorderingInhoud(
            referentie="IND-LG-2026-000119",
            soort="leges-verblijfsvergunning-gezinshereniging",
            oorspronkelijk_bedrag_centen=24300,
            openstaand_bedrag_centen=24300,
            maatregelen=(Maatregel.INVORDERING,),
        )
    ],
    "cak": [
        VorderingInhoud(
            referentie="BRP-2025-000119",
            soort="bestuursrechtelijke-premie-zvw",
            oorspronkelijk_bedrag_centen=126000,
            openstaand_bedrag_centen=94500,
            maatregelen=(Maatregel.BESLAG,),
        )
    ],
    "svb": [
        VorderingInhoud(
            referentie="TV-2025-000119",
            soort="terugvordering-kinderbijslag",
            oorspronkelijk_bedrag_centen=55000,
            openstaand_bedrag_centen=41250,
            maatregelen=(Maatregel.VERREKENING,),
        )
    ],
    "gemeente": [
        VorderingInhoud(
            referentie="BB-0344-2025-000419",
            soort="terugvordering-bijzondere-bijstand",
            oorspronkelijk_bedrag_centen=68000,
            openstaand_bedrag_centen=45000,
            maatregelen=(Maatregel.VERREKENING,),
        )
    ],
}


async def vraag_overzicht(loket, casus_id: str, body: Any = None, status: int = 201) -> Any:
    kwargs = {} if body is None else {"json": body}
    response = await loket.post(f"/api/v1/casussen/{casus_id}/schuldenoverzichten", **kwargs)
    assert response.status_code == status, response.text
    return response


async def overzicht(loket, overzicht_id: str) -> dict:
    response = await loket.get(f"/api/v1/schuldenoverzichten/{overzicht_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def beantwoord(loket, agency: str, event: CloudEvent[Any]) -> None:
    """As the agency's connector would: one Gegeven per claim, sealed for the hub's key."""
    claims = [("vorderingen", c.model_dump_json()) for c in CLAIMS[agency]]
    await publiceer(loket, verstrekt(event, claims))


async def wacht_op(loket, overzicht_id: str, klaar) -> dict:
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    while True:
        view = await overzicht(loket, overzicht_id)
        if klaar(view):
            return view
        assert dt.datetime.now(dt.UTC) < deadline, view
        await _pause()


async def test_the_overview_for_999990019_lists_every_claim_with_the_right_totals(loket, klok):
    casus_id, [pseudoniem] = await casus(loket, BSN)
    response = await vraag_overzicht(loket, casus_id)
    gevraagd = response.json()
    overzicht_id = gevraagd["schuldenoverzicht_id"]
    assert response.headers["location"] == f"/api/v1/schuldenoverzichten/{overzicht_id}"
    assert gevraagd["status"] == "pending" and not gevraagd["compleet"]
    assert sorted(gevraagd["ontbrekend"]) == sorted(AGENCIES)
    hub_sleutel = public_key_text(loket.app.state.hub.deps.secrets.bsn_sleutel.public_key())
    for agency in AGENCIES:
        [event] = await berichten(loket, agency, 1)
        data: InformatieVerzoek = event.data
        assert data.doel == "schuldenoverzicht" and data.ontvanger_sleutel == hub_sleutel
        assert [c.value for c in data.gevraagde_categorieen] == ["vorderingen"]
        assert data.personen[0].pseudoniem == pseudoniem
        await beantwoord(loket, agency, event)
    view = await wacht_op(loket, overzicht_id, lambda v: v["compleet"])
    per = {u["uitvoerder"]: u for u in view["uitvoerders"]}
    assert {a: per[a]["totaal_openstaand_centen"] for a in AGENCIES} == {
        "belastingdienst": 290750,
        "cjib": 117800,
        "duo": 1845000,
        "cak": 94500,
        "svb": 41250,
        "uwv": 121500,
        "ind": 24300,
        "gemeente": 45000,
    }
    assert view["totaal_openstaand_centen"] == 2253550 + 94500 + 41250 + 121500 + 24300 + 45000
    assert view["totaal_oorspronkelijk_centen"] == sum(
        c.oorspronkelijk_bedrag_centen for claims in CLAIMS.values() for c in claims
    )
    assert view["status"] == "confirmed" and view["ontbrekend"] == [] and view["late"] == []
    bd = per["belastingdienst"]["vorderingen"]
    assert [v["referentie"] for v in bd] == ["BD-IB-2023-001", "BD-TS-2024-017"]
    assert bd[0]["maatregelen"] == ["invordering", "verrekening"] and bd[1]["betalingsregeling"]
    assert per["cjib"]["vorderingen"][1]["bezwaar_of_beroep"] is True
    assert {v["pseudoniem"] for u in view["uitvoerders"] for v in u["vorderingen"]} == {pseudoniem}
    audit = (await loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    assert "schuldenoverzicht.gelezen" in [a["actie"] for a in audit]
    assert "DUO-SF-0042" not in str(audit) and "studieschuld" not in str(audit)
    instrumenten = (await loket.get(f"/api/v1/casussen/{casus_id}")).json()["instrumenten"]
    assert instrumenten["schuldenoverzichten"] == [overzicht_id]
    assert instrumenten["informatieverzoeken"] == []


async def test_missing_and_late_agencies_and_the_purge(loket, klok):
    casus_id, _ = await casus(loket, BSN)
    body = {"reageer_binnen_uren": 2, "uitvoerders": list(AGENCIES)}
    overzicht_id = (await vraag_overzicht(loket, casus_id, body)).json()["schuldenoverzicht_id"]
    [bd] = await berichten(loket, "belastingdienst", 1)
    await beantwoord(loket, "belastingdienst", bd)
    [cjib] = await berichten(loket, "cjib", 1)
    await publiceer(loket, geweigerd(cjib, Weigeringsgrond.ONBEKENDE_PERSOON, "Niet bekend"))
    nog_niet = list(AGENCIES[2:])  # duo and the others
    view = await wacht_op(
        loket, overzicht_id, lambda v: v["ontbrekend"] == nog_niet and v["totaal_openstaand_centen"]
    )
    assert view["late"] == [] and not view["compleet"]
    per = {u["uitvoerder"]: u for u in view["uitvoerders"]}
    assert (per["cjib"]["status"], per["cjib"]["redencode"]) == ("refused", "onbekende-persoon")
    klok.nu += dt.timedelta(hours=3)
    assert (await overzicht(loket, overzicht_id))["late"] == nog_niet
    hub = loket.app.state.hub
    klok.nu += dt.timedelta(hours=hub.settings.informatie_bewaartermijn_uren)
    assert (await purge_expired(hub.uow(), hub.deps)).informatie_inhoud == 2
    gewist = await overzicht(loket, overzicht_id)
    assert [(u["uitvoerder"], u["status"]) for u in gewist["uitvoerders"]] == [
        ("belastingdienst", "confirmed"),
        ("cjib", "refused"),
        *((agency, "pending") for agency in nog_niet),
    ]
    assert all(u["vorderingen"] == [] for u in gewist["uitvoerders"])
    assert gewist["totaal_openstaand_centen"] == 0 and gewist["verwijderd_op"] is not None


async def test_listed_agencies_only_and_one_without_an_agreement_is_422(loket, hub_app):
    casus_id, _ = await casus(loket, BSN)
    # every agency has an agreement now: one that is no agency at all is refused
    response = await vraag_overzicht(loket, casus_id, {"uitvoerders": ["cjib", "bakker"]}, 422)
    assert response.json()["detail"][0]["field"] == "uitvoerders.1"
    for agency in AGENCIES:
        assert not loket.published.get(informatie_verzoek_topic(agency).name)
    view = (await vraag_overzicht(loket, casus_id, {"uitvoerders": ["cjib"]})).json()
    assert [u["uitvoerder"] for u in view["uitvoerders"]] == ["cjib"]
    await berichten(loket, "cjib", 1)
    assert not loket.published.get(informatie_verzoek_topic("duo").name)


async def test_only_the_loket_reads_and_orders(loket, cjib, operator):
    casus_id, _ = await casus(loket, BSN)
    overzicht_id = (await vraag_overzicht(loket, casus_id)).json()["schuldenoverzicht_id"]
    for client in (cjib, operator):
        assert (await client.get(f"/api/v1/schuldenoverzichten/{overzicht_id}")).status_code == 403
        response = await client.post(f"/api/v1/casussen/{casus_id}/schuldenoverzichten")
        assert response.status_code == 403
    assert (await loket.get("/api/v1/schuldenoverzichten/onbekend")).status_code == 404


async def test_a_time_out_from_the_overview_covers_exactly_its_claims(loket, klok):
    casus_id, _ = await casus(loket, BSN)
    overzicht_id = (await vraag_overzicht(loket, casus_id, {"uitvoerders": list(AGENCIES)})).json()[
        "schuldenoverzicht_id"
    ]
    body = {
        "einddatum": (vandaag() + dt.timedelta(days=90)).isoformat(),
        "maatregelen": ["invordering", "beslag"],
        "grondslag": "Time-outbevoegdheid Landelijk Maatwerkloket",
        "reden": "Ruimte voor een schuldregeling",
    }
    pad = f"/api/v1/schuldenoverzichten/{overzicht_id}/opschortingen"
    response = await loket.post(pad, json=body)
    assert response.status_code == 409
    assert response.json()["detail"][0]["field"] == "schuldenoverzicht_id"
    beantwoord_door = [a for a in AGENCIES if a != "cjib"]
    for agency in beantwoord_door:
        [event] = await berichten(loket, agency, 1)
        await beantwoord(loket, agency, event)
    await wacht_op(loket, overzicht_id, lambda v: v["ontbrekend"] == ["cjib"])
    response = await loket.post(pad, json=body)
    assert response.status_code == 201, response.text
    assert response.headers["ontbrekende-uitvoerders"] == "cjib"
    opschorting = response.json()
    assert opschorting["casus_id"] == casus_id and opschorting["status"] == "pending"
    assert sorted(v["uitvoerder"] for v in opschorting["keten"]) == sorted(beantwoord_door)
    assert opschorting["ingangsdatum"] == vandaag().isoformat()
    for agency in beantwoord_door:
        topic = instructie_topic(agency).name
        [raw] = await wait_for(lambda topic=topic: loket.published.get(topic))
        instructie = parse_event(raw).data
        assert list(instructie.vorderingen) == [c.referentie for c in CLAIMS[agency]]
        assert [m.value for m in instructie.maatregelen] == ["invordering", "beslag"]
    assert not loket.published.get(instructie_topic("cjib").name)


async def test_a_claim_sealed_for_another_key_is_counted_and_the_overview_still_reads(loket, klok):
    casus_id, _ = await casus(loket, BSN)
    overzicht_id = (await vraag_overzicht(loket, casus_id, {"uitvoerders": ["duo"]})).json()[
        "schuldenoverzicht_id"
    ]
    [event] = await berichten(loket, "duo", 1)
    vreemd = generate_private_key().public_key()
    antwoord = verstrekt(event, [("vorderingen", CLAIMS["duo"][0].model_dump_json())])
    gegeven = antwoord.data.gegevens[0]
    verkeerd = gegeven.model_copy(update={"inhoud": seal("{}", vreemd)})
    data = antwoord.data.model_copy(update={"gegevens": (gegeven, verkeerd)})
    await publiceer(loket, antwoord.model_copy(update={"data": data}))
    view = await wacht_op(loket, overzicht_id, lambda v: v["status"] != "pending")
    [duo] = view["uitvoerders"]
    assert duo["onleesbaar"] == 1 and duo["totaal_openstaand_centen"] == 1845000
    # The totals miss what did not open: not complete, and the status says the same.
    assert view["status"] == "incomplete" and not view["compleet"] and view["ontbrekend"] == []
