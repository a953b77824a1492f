"""Check before collecting through the API: an agency asks whether a time-out is in force for a
person at that agency, by a BSN sealed for the hub or by a pseudonym (in-memory broker)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from schemas import make_event
from schemas.opschorting import OpschortingDeelsBevestigd
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.versleuteling import load_public_key, seal
from tests.api.hub.test_api import BSN, answer_event, publish, status
from tests.support.loket import CJIB_DEELS_OPGESCHORT, casus_body, opschorting_body
from tests.support.polling import poll_pause

PARTNER = "999990020"

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
CONTROLE = "/api/v1/opschortingen/controle"


async def ordered(loket, *agencies: str, bsn: str = BSN, **body: Any) -> dict[str, Any]:
    """A casus for ``bsn`` with a time-out ordered on it for ``agencies`` (CJIB and DUO)."""
    casus = await loket.post("/api/v1/casussen", json=casus_body(bsn))
    assert casus.status_code == 201, casus.text
    casus_id = casus.json()["casus_id"]
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen",
        json=opschorting_body(*(agencies or ("cjib", "duo")), **body),
    )
    assert response.status_code == 201, response.text
    return {**response.json(), "pseudoniem": casus.json()["huishouden"][0]["pseudoniem"]}


async def sealed_for_hub(client, bsn: str = BSN) -> str:
    key = await client.get("/api/v1/sleutels/hub")
    assert key.status_code == 200, key.text
    return seal(bsn, load_public_key(key.json()["public_key_pem"].encode()))


async def test_an_agency_in_scope_hears_the_period_and_measures_and_nothing_of_the_casus(
    loket, cjib
):
    chain = await ordered(loket, vorderingen={"cjib": ["CJIB-1"]})
    response = await cjib.post(CONTROLE, json={"bsn_versleuteld": await sealed_for_hub(cjib)})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "in_force": True,
        "perioden": [
            {
                "ingangsdatum": chain["ingangsdatum"],
                "einddatum": chain["einddatum"],
                "maatregelen": ["invordering", "beslag", "verrekening"],
                "vorderingen": ["CJIB-1"],
                "antwoord": "pending",
                "vorderingresultaten": [],
            }
        ],
    }
    for secret in (chain["casus_id"], chain["opschorting_id"], "duo", chain["pseudoniem"], BSN):
        assert secret not in response.text


async def test_by_pseudonym_the_same_answer(loket, cjib):
    chain = await ordered(loket)
    response = await cjib.post(CONTROLE, json={"pseudoniem": chain["pseudoniem"]})
    assert response.status_code == 200
    assert response.json()["in_force"] is True
    assert response.json()["perioden"][0]["vorderingen"] is None


async def test_an_agency_out_of_scope_or_that_refused_or_a_day_outside_hears_no(
    loket, cjib, duo, clients, hub_app
):
    chain = await ordered(loket)
    belastingdienst = clients(hub_app, "belastingdienst")
    body = {"pseudoniem": chain["pseudoniem"]}
    assert (await belastingdienst.post(CONTROLE, json=body)).json() == {
        "in_force": False,
        "perioden": [],
    }

    await publish(loket, answer_event(chain, "duo", refused=True))
    await _wait_status(loket, chain, "duo", "refused")
    assert (await duo.post(CONTROLE, json=body)).json()["in_force"] is False
    assert (await cjib.post(CONTROLE, json=body)).json()["in_force"] is True

    after = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=1)
    late = await cjib.post(CONTROLE, json={**body, "peildatum": after.isoformat()})
    assert late.json()["in_force"] is False


async def _wait_status(loket, chain, agency: str, wanted: str, within: float = 5.0) -> None:
    """Until the agency's answer is recorded (the consumer runs beside the test)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        keten = (await status(loket, chain))["keten"]
        if next(s["status"] for s in keten if s["uitvoerder"] == agency) == wanted:
            return
        assert loop.time() < deadline, f"{agency} never became {wanted}"
        await poll_pause()


def partial_answer(chain: dict[str, Any]):
    """The CJIB's answer for test person 999990020: WAHV-2025-000120 suspended, WAHV-2025-000220
    not (under appeal), as its back-office answers."""
    link = next(s for s in chain["keten"] if s["uitvoerder"] == "cjib")
    data = OpschortingDeelsBevestigd(
        opschorting_id=chain["opschorting_id"],
        casus_id=chain["casus_id"],
        uitvoerder=Uitvoerder.CJIB,
        instructie_id=link["instructie_id"],
        beantwoord_op=dt.datetime.now(dt.UTC),
        referentie="CJIB-OPS-00000001",
        vorderingen=CJIB_DEELS_OPGESCHORT,
    )
    return make_event(data, source=UITVOERDERS[Uitvoerder.CJIB].source, subject=chain["casus_id"])


async def test_a_claim_the_agency_refused_is_named_as_refused_not_in_scope(loket, cjib):
    """The CJIB partly confirmed the time-out of 999990020: its check lists only the claim it
    suspended, and names the one under appeal as refused with the reason code."""
    chain = await ordered(loket, "cjib", bsn=PARTNER)
    await publish(loket, partial_answer(chain))
    await _wait_status(loket, chain, "cjib", "partially_confirmed")
    for body in (
        {"pseudoniem": chain["pseudoniem"]},
        {"bsn_versleuteld": await sealed_for_hub(cjib, PARTNER)},
    ):
        response = await cjib.post(CONTROLE, json=body)
        assert response.status_code == 200, response.text
        assert response.json()["in_force"] is True
        [periode] = response.json()["perioden"]
        assert periode["vorderingen"] == ["WAHV-2025-000120"]  # not null: not every claim
        assert periode["antwoord"] == "partially_confirmed"
        assert periode["vorderingresultaten"] == [
            {
                "vordering": "WAHV-2025-000120",
                "status": "confirmed",
                "redencode": None,
                "toelichting": None,
            },
            {
                "vordering": "WAHV-2025-000220",
                "status": "refused",
                "redencode": "bezwaar-of-beroep",
                "toelichting": "Beroep bij de officier van justitie in behandeling",
            },
        ]
        assert PARTNER not in response.text


async def test_a_lifted_time_out_ends_the_day_before_collection_resumes(loket, cjib):
    chain = await ordered(loket)
    lifted = await loket.post(
        f"/api/v1/opschortingen/{chain['opschorting_id']}/opheffing",
        json={"reden": "Schuldregeling getroffen"},
    )
    assert lifted.status_code == 201, lifted.text
    response = await cjib.post(CONTROLE, json={"pseudoniem": chain["pseudoniem"]})
    assert response.json()["in_force"] is False


async def test_an_unknown_pseudonym_is_no_not_an_error(cjib):
    response = await cjib.post(CONTROLE, json={"pseudoniem": "psn-" + "0" * 32})
    assert response.status_code == 200
    assert response.json() == {"in_force": False, "perioden": []}


async def test_bad_input_is_422_naming_the_field(cjib):
    cases = [
        ({"pseudoniem": "999990019"}, "pseudoniem"),
        ({"bsn_versleuteld": "v1.garbage.x.y"}, "bsn_versleuteld"),
        ({"bsn_versleuteld": BSN}, "bsn_versleuteld"),
        ({"peildatum": "morgen", "pseudoniem": "psn-" + "0" * 32}, "peildatum"),
        ({"onbekend": 1, "pseudoniem": "psn-" + "0" * 32}, "onbekend"),
    ]
    for body, field in cases:
        response = await cjib.post(CONTROLE, json=body)
        assert response.status_code == 422, body
        assert [e["field"] for e in response.json()["detail"]] == [field], response.text
        assert BSN not in response.text
    neither = await cjib.post(CONTROLE, json={})
    both = await cjib.post(
        CONTROLE, json={"pseudoniem": "psn-" + "0" * 32, "bsn_versleuteld": "v1.a.b.c"}
    )
    assert neither.status_code == both.status_code == 422


async def test_only_an_agency_may_check(loket, operator, anoniem):
    body = {"pseudoniem": "psn-" + "0" * 32}
    assert (await loket.post(CONTROLE, json=body)).status_code == 403
    assert (await operator.post(CONTROLE, json=body)).status_code == 403
    assert (await anoniem.post(CONTROLE, json=body)).status_code == 401
    assert (await loket.get("/api/v1/sleutels/hub")).status_code == 403


async def test_every_check_is_logged_with_the_asker_outcome_and_trace_id(loket, cjib):
    chain = await ordered(loket)
    unknown = "psn-" + "1" * 32
    await cjib.post(
        CONTROLE, json={"pseudoniem": chain["pseudoniem"]}, headers={"traceparent": TRACEPARENT}
    )
    await cjib.post(CONTROLE, json={"pseudoniem": unknown})
    await cjib.post(CONTROLE, json={"bsn_versleuteld": await sealed_for_hub(cjib)})

    log = await loket.get("/api/v1/verwerkingen", params={"pseudoniem": chain["pseudoniem"]})
    assert log.status_code == 200, log.text
    checks = [v for v in log.json()["verwerkingen"] if v["doel"] == "controle-opschorting"]
    [check] = checks
    cjib_oin = UITVOERDERS[Uitvoerder.CJIB].oin
    assert check["vrager"] == check["ontvanger"] == cjib_oin
    assert check["uitkomst"] == "in-force" and check["trace_id"] == TRACE_ID
    assert check["casus_id"] is None and check["categorieen"] == ["opschorting"]

    other = await loket.get("/api/v1/verwerkingen", params={"pseudoniem": unknown})
    assert [v["uitkomst"] for v in other.json()["verwerkingen"]] == ["not-in-force"]

    person = await loket.post("/api/v1/verwerkingen/zoek", json={"bsn": BSN})
    doelen = [v["doel"] for v in person.json()["verwerkingen"]]
    assert doelen.count("controle-opschorting") == 2  # by pseudonym and by sealed BSN
    assert BSN not in person.text


async def test_a_person_left_out_of_an_agencys_scope_is_not_covered_there(loket, cjib, duo):
    """The order names to DUO only the applicant: DUO hears "in force" for the applicant and
    "not in force" for the partner (it never got the partner), the CJIB (whole household) for
    both."""
    casus = await loket.post("/api/v1/casussen", json=casus_body(BSN, PARTNER))
    assert casus.status_code == 201, casus.text
    aanvrager, partner = (lid["pseudoniem"] for lid in casus.json()["huishouden"])
    body = opschorting_body("cjib", "duo")
    body["uitvoerders"][1]["personen"] = [aanvrager]
    response = await loket.post(
        f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen", json=body
    )
    assert response.status_code == 201, response.text

    async def in_force(client, **vraag: str) -> bool:
        answer = await client.post(CONTROLE, json=vraag)
        assert answer.status_code == 200, answer.text
        return bool(answer.json()["in_force"])

    assert await in_force(duo, pseudoniem=aanvrager) is True
    assert await in_force(duo, pseudoniem=partner) is False
    assert await in_force(duo, bsn_versleuteld=await sealed_for_hub(duo, PARTNER)) is False
    assert await in_force(cjib, pseudoniem=partner) is True
