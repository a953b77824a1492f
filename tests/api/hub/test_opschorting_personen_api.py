"""A time-out from a debt overview of a two-person household: each agency's instructions (the
order, its extension, its lifting) name only the members who hold the claims in its scope, the
processing log names only them for that agency, and the time-out shows them per request. The
loket's own order may name them per agency; a person outside the household is a 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schemas import parse_event
from schemas.informatie import Weigeringsgrond
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import instructie_topic
from tests.api.hub import test_informatie_api
from tests.api.hub.conftest import wait_for
from tests.api.hub.test_api import BSN
from tests.api.hub.test_informatie_api import ANDER, berichten, casus, geweigerd, publiceer
from tests.api.hub.test_schuldenoverzicht_api import CLAIMS, vraag_overzicht, wacht_op
from tests.support.loket import opschorting_body, vandaag

klok = test_informatie_api.klok
"""The hub's clock (a fixture)."""


async def instructies(loket, agency: str, n: int) -> list[Any]:
    """The first ``n`` time-out instructions on ``agency``'s own topic."""
    topic = instructie_topic(agency).name
    raw = await wait_for(
        lambda: len(loket.published.get(topic, [])) >= n and loket.published[topic]
    )
    return [parse_event(r).data for r in raw[:n]]


async def beantwoord(loket, event, claims) -> None:
    await publiceer(
        loket,
        test_informatie_api.verstrekt(
            event, [("vorderingen", c.model_dump_json()) for c in claims]
        ),
    )


async def test_a_time_out_from_the_overview_names_to_each_agency_only_who_holds_its_claims(
    loket, klok
):
    casus_id, [aanvrager, partner] = await casus(loket, BSN, ANDER)
    overzicht_id = (
        await vraag_overzicht(loket, casus_id, {"uitvoerders": ["cjib", "duo"]})
    ).json()["schuldenoverzicht_id"]
    # CJIB: a claim of each; DUO: a claim of the applicant, and it does not know the partner.
    per_persoon = {aanvrager: 0, partner: 1}
    for event in await berichten(loket, "cjib", 2):
        claim = CLAIMS["cjib"][per_persoon[event.data.personen[0].pseudoniem]]
        await beantwoord(loket, event, [claim])
    for event in await berichten(loket, "duo", 2):
        if event.data.personen[0].pseudoniem == aanvrager:
            await beantwoord(loket, event, CLAIMS["duo"])
        else:
            await publiceer(
                loket, geweigerd(event, Weigeringsgrond.ONBEKENDE_PERSOON, "Niet bekend")
            )
    await wacht_op(loket, overzicht_id, lambda v: v["compleet"])

    response = await loket.post(
        f"/api/v1/schuldenoverzichten/{overzicht_id}/opschortingen",
        json={
            "einddatum": (vandaag() + dt.timedelta(days=90)).isoformat(),
            "grondslag": "Time-outbevoegdheid Landelijk Maatwerkloket",
            "reden": "Ruimte voor een schuldregeling",
        },
    )
    assert response.status_code == 201, response.text
    opschorting = response.json()
    assert {v["uitvoerder"]: v["personen"] for v in opschorting["keten"]} == {
        "cjib": [aanvrager, partner],
        "duo": [aanvrager],
    }
    url = f"/api/v1/opschortingen/{opschorting['opschorting_id']}"
    later = vandaag() + dt.timedelta(days=120)
    verlengd = await loket.post(
        f"{url}/verlengingen", json={"einddatum": later.isoformat(), "reden": "Meer tijd"}
    )
    assert verlengd.status_code == 201, verlengd.text
    opgeheven = await loket.post(f"{url}/opheffing", json={"reden": "Schuldregeling getroffen"})
    assert opgeheven.status_code == 201, opgeheven.text
    for wijziging in opgeheven.json()["wijzigingen"]:
        assert {v["uitvoerder"]: v["personen"] for v in wijziging["keten"]} == {
            "cjib": [aanvrager, partner],
            "duo": [aanvrager],
        }

    duo = await instructies(loket, "duo", 3)
    assert [type(i).__name__ for i in duo] == [
        "OpschortingInstructie",
        "OpschortingVerlengingInstructie",
        "OpschortingOpheffingInstructie",
    ]
    for instructie in duo:
        assert [p.pseudoniem for p in instructie.personen] == [aanvrager]
        assert list(instructie.vorderingen) == ["DUO-SF-0042"]
    for instructie in await instructies(loket, "cjib", 3):
        assert [p.pseudoniem for p in instructie.personen] == [aanvrager, partner]

    log = (
        await loket.get("/api/v1/verwerkingen", params={"casus_id": casus_id, "per_pagina": 100})
    ).json()
    naar = {
        agency: [
            v["pseudoniemen"]
            for v in log["verwerkingen"]
            if v["doel"] == "opschorting-instructie"
            and v["ontvanger"] == UITVOERDERS[Uitvoerder(agency)].oin
        ]
        for agency in ("cjib", "duo")
    }
    assert naar["duo"] == [[aanvrager]] * 3
    assert [sorted(p) for p in naar["cjib"]] == [sorted([aanvrager, partner])] * 3


async def test_the_loket_may_name_the_persons_and_one_outside_the_household_is_422(loket, klok):
    casus_id, [aanvrager, _] = await casus(loket, BSN, ANDER)
    _, [ander] = await casus(loket, BSN)  # the same person's pseudonym in another casus
    body = opschorting_body("cjib", "duo")
    body["uitvoerders"][1]["personen"] = [aanvrager, ander]
    response = await loket.post(f"/api/v1/casussen/{casus_id}/opschortingen", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == "uitvoerders.1.personen.1"
    assert not loket.published.get(instructie_topic("duo").name)

    body["uitvoerders"][1]["personen"] = [aanvrager]
    response = await loket.post(f"/api/v1/casussen/{casus_id}/opschortingen", json=body)
    assert response.status_code == 201, response.text
    [duo] = await instructies(loket, "duo", 1)
    assert [p.pseudoniem for p in duo.personen] == [aanvrager]
    assert {v["uitvoerder"]: v["personen"] for v in response.json()["keten"]}["cjib"] is None
