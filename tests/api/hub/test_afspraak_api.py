"""The agreement table over the API, and the dry-run check of an information request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from hub.adapters.afspraken_loader import AfsprakenOngeldig
from hub.app import create_app
from tests.api.hub.conftest import running
from tests.api.hub.test_api import BSN, order, submit_casus

NA_ZOMER = dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)
"""The hub's day in these tests: AFS-DUO-2026-01 v2 is in force (v1 ended on 30 June)."""


@pytest.fixture(autouse=True)
def klok(hub_app) -> None:
    hub = hub_app.state.hub
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: NA_ZOMER)


WAMS = {"regeling": "Wet aanpak meervoudige problematiek sociaal domein"}


async def pseudoniemen(loket, casus_id: str) -> list[str]:
    response = await loket.get(f"/api/v1/casussen/{casus_id}")
    assert response.status_code == 200, response.text
    return [lid["pseudoniem"] for lid in response.json()["huishouden"]]


def verzoek(personen: list[str], *uitvoerders: tuple[str, list[str]], **anders) -> dict:
    return {
        "doel": "schuldenoverzicht",
        "grondslag": WAMS,
        "uitvoerders": [{"uitvoerder": u, "categorieen": c} for u, c in uitvoerders],
        "personen": personen,
        **anders,
    }


async def toets(client, casus_id: str, body: dict):
    return await client.post(f"/api/v1/casussen/{casus_id}/informatieverzoeken/toets", json=body)


async def test_the_table_is_readable_and_filtered_by_agency_and_purpose(loket, operator):
    response = await loket.get("/api/v1/afspraken")
    assert response.status_code == 200
    alles = response.json()
    assert alles["editie"] and {a["verstrekker"] for a in alles["items"]} == {
        "belastingdienst",
        "cjib",
        "duo",
        "cak",
        "svb",
        "uwv",
        "ind",
        "gemeente",
    }
    response = await operator.get(
        "/api/v1/afspraken", params={"uitvoerder": "duo", "doel": "schuldenoverzicht"}
    )
    assert [(a["kenmerk"], a["versie"]) for a in response.json()["items"]] == [
        ("AFS-DUO-2026-01", 1),
        ("AFS-DUO-2026-01", 2),
    ]
    response = await loket.get(
        "/api/v1/afspraken",
        params={"uitvoerder": "duo", "doel": "schuldenoverzicht", "geldig_op": "2026-03-01"},
    )
    assert [a["versie"] for a in response.json()["items"]] == [1]
    assert (await loket.get("/api/v1/afspraken", params={"doel": "roddel"})).status_code == 422


async def test_one_agreement_lists_its_versions_and_an_unknown_one_is_404(cjib):
    response = await cjib.get("/api/v1/afspraken/AFS-DUO-2026-01")
    assert response.status_code == 200
    [v1, v2] = response.json()["items"]
    assert (v1["geldig_tot"], v2["geldig_vanaf"]) == ("2026-06-30", "2026-07-01")
    assert "procedures" in v2["categorieen"] and "procedures" not in v1["categorieen"]
    response = await cjib.get("/api/v1/afspraken/AFS-GEEN")
    assert response.status_code == 404
    assert response.json()["detail"][0]["field"] == "kenmerk"


async def test_the_table_needs_a_proven_caller(anoniem):
    assert (await anoniem.get("/api/v1/afspraken")).status_code == 401


async def test_an_allowed_request_is_200_with_each_agencys_agreement(loket):
    casus_id = await submit_casus(loket)
    personen = await pseudoniemen(loket, casus_id)
    body = verzoek(
        personen,
        ("belastingdienst", ["vorderingen", "beslagen"]),
        ("duo", ["vorderingen", "procedures"]),
    )
    response = await toets(loket, casus_id, body)
    assert response.status_code == 200, response.text
    uitslag = response.json()
    assert uitslag["toegestaan"] is True
    assert [(u["uitvoerder"], u["kenmerk"], u["versie"]) for u in uitslag["uitvoerders"]] == [
        ("belastingdienst", "AFS-BD-2026-01", 1),
        ("duo", "AFS-DUO-2026-01", 2),
    ]
    assert BSN not in response.text


async def test_a_category_outside_the_agreement_is_422_naming_the_field_and_why(loket):
    casus_id = await submit_casus(loket)
    personen = await pseudoniemen(loket, casus_id)
    body = verzoek(
        personen,
        ("cjib", ["vorderingen"]),
        ("duo", ["toeslagen", "vorderingen", "studiefinanciering"]),
    )
    response = await toets(loket, casus_id, body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "uitvoerders.1.categorieen.0",
            "message": "duo may not give toeslagen for schuldenoverzicht: "
            "not in agreement AFS-DUO-2026-01 v2",
            "type": "buiten-afspraak",
        },
        {
            "field": "uitvoerders.1.categorieen.2",
            "message": "duo may not give studiefinanciering for schuldenoverzicht: "
            "not in agreement AFS-DUO-2026-01 v2",
            "type": "buiten-afspraak",
        },
    ]


async def test_an_agency_without_agreement_for_the_purpose_is_422(loket):
    casus_id = await submit_casus(loket)
    personen = await pseudoniemen(loket, casus_id)
    # the municipalities share for a debt overview and a tailored solution, not for a time-out
    body = verzoek(personen, ("gemeente", ["inkomen"]), doel="opschorting")
    response = await toets(loket, casus_id, body)
    assert response.status_code == 422
    [fout] = response.json()["detail"]
    assert fout["field"] == "uitvoerders.0.categorieen.0"
    assert "gemeente may not give inkomen to loket for opschorting" in fout["message"]


async def test_another_legal_ground_is_422_naming_grondslag(loket):
    casus_id = await submit_casus(loket)
    personen = await pseudoniemen(loket, casus_id)
    body = verzoek(personen, ("cjib", ["vorderingen"]), grondslag={"regeling": "Participatiewet"})
    response = await toets(loket, casus_id, body)
    assert response.status_code == 422
    [fout] = response.json()["detail"]
    assert (fout["field"], fout["type"]) == ("grondslag", "geen-grondslag")


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"doel": None}, "doel"),
        ({"grondslag": None}, "grondslag"),
        ({"doel": "nieuwsgierigheid"}, "doel"),
        (
            {"uitvoerders": [{"uitvoerder": "bakker", "categorieen": ["vorderingen"]}]},
            "uitvoerders.0.uitvoerder",
        ),
        (
            {"uitvoerders": [{"uitvoerder": "duo", "categorieen": ["vorderingen", "snoep"]}]},
            "uitvoerders.0.categorieen.1",
        ),
        ({"personen": ["999990019"]}, "personen.0"),
        (
            {"uitvoerders": [{"uitvoerder": "duo", "categorieen": ["beslagen", "beslagen"]}]},
            "uitvoerders.0.categorieen",
        ),
        (
            {
                "uitvoerders": [
                    {"uitvoerder": "duo", "categorieen": ["beslagen"]},
                    {"uitvoerder": "duo", "categorieen": ["vorderingen"]},
                ]
            },
            "uitvoerders",
        ),
    ],
)
async def test_bad_input_is_422_naming_the_field(loket, wijziging, veld):
    casus_id = await submit_casus(loket)
    body = verzoek(await pseudoniemen(loket, casus_id), ("duo", ["vorderingen"]))
    body.update(wijziging)
    body = {k: v for k, v in body.items() if v is not None}
    response = await toets(loket, casus_id, body)
    assert response.status_code == 422
    assert veld in [f["field"] for f in response.json()["detail"]]
    assert BSN not in response.text


async def test_a_person_outside_the_household_is_422_naming_it(loket):
    casus_id = await submit_casus(loket)
    vreemde = "psn-" + "0" * 32
    body = verzoek([*await pseudoniemen(loket, casus_id), vreemde], ("duo", ["vorderingen"]))
    response = await toets(loket, casus_id, body)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["detail"]] == ["personen.1"]


async def test_unknown_casus_is_404(loket):
    body = verzoek(["psn-" + "0" * 32], ("duo", ["vorderingen"]))
    response = await toets(loket, "MWL-2026-ONBEKEND", body)
    assert response.status_code == 404


async def test_an_agency_takes_part_only_in_a_casus_with_a_time_out_to_it(loket, cjib):
    casus_id = await submit_casus(loket)
    personen = await pseudoniemen(loket, casus_id)
    body = verzoek(personen, ("duo", ["vorderingen"]))
    response = await toets(cjib, casus_id, body)
    assert response.status_code == 403
    assert response.json()["detail"][0]["field"] == "casus_id"

    chain = await order(loket)  # a new casus with a time-out to every agency, the CJIB too
    personen = await pseudoniemen(loket, chain["casus_id"])
    response = await toets(cjib, chain["casus_id"], verzoek(personen, ("duo", ["vorderingen"])))
    # It takes part now; the agreement then decides: DUO gives to the loket and gemeenten only.
    assert response.status_code == 422
    assert "cjib" in response.json()["detail"][0]["message"]


async def test_a_refused_casus_is_409(loket):
    casus_id = await submit_casus(loket)
    body = verzoek(await pseudoniemen(loket, casus_id), ("duo", ["vorderingen"]))
    afwijzing = {"redencode": "niet-alles-geprobeerd", "reden": "Eerst lokaal", "advies": "Wijk"}
    response = await loket.post(f"/api/v1/casussen/{casus_id}/afwijzing", json=afwijzing)
    assert response.status_code == 200, response.text
    response = await toets(loket, casus_id, body)
    assert response.status_code == 409
    assert response.json()["detail"][0]["field"] == "casus_id"


async def test_an_operator_may_not_check_a_request(loket, operator):
    casus_id = await submit_casus(loket)
    body = verzoek(await pseudoniemen(loket, casus_id), ("duo", ["vorderingen"]))
    assert (await toets(operator, casus_id, body)).status_code == 403


async def test_a_broken_agreement_file_stops_the_hub(hub_settings, tmp_path: Path):
    kapot = tmp_path / "afspraken.yaml"
    kapot.write_text('formaat: 1\neditie: "x"\nafspraken:\n  - kenmerk: AFS-X\n', encoding="utf-8")
    app = create_app(hub_settings.model_copy(update={"afspraken_bestand": kapot}))
    with pytest.raises(AfsprakenOngeldig, match=re.escape(f"agreement file {kapot} is invalid")):
        async with running(app):
            pass
