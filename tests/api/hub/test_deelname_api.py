"""An escalation's invitations to installed agencies through the API: the instruction goes out
on each agency's own instruction topic, and its answer (received with the agency's reference, or
refused with a reason code), arriving on the agency's answer topic, shows in the escalation view
at the invitation it belongs to; a repeat changes nothing; the answer is in the casus's audit
trail with the agency as actor."""

from __future__ import annotations

import asyncio
import datetime as dt

from schemas import make_event, parse_event
from schemas.escalatie import (
    EscalatieUitnodigingGeweigerd,
    EscalatieUitnodigingInstructie,
    EscalatieUitnodigingOntvangen,
)
from schemas.gedeeld import Weigeringsreden
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.overbrugging import TerugbetalingsverzoekAanvaard, TerugbetalingsverzoekInstructie
from schemas.topics import instructie_topic, opschorting_antwoord_topic
from tests.api.hub.conftest import _with_hub, wait_for
from tests.api.hub.test_escalatie_api import BSN, CJIB, DUO, escaleer
from tests.api.hub.test_overbrugging_api import OVB, post, toegekend
from tests.support.loket import vandaag
from tests.support.overbrugging import aanwijzing_body, betaling_body, registerregel
from tests.support.polling import poll_pause

__all__: list[str] = []


def uitnodigingen(client, agency: str, escalatie_id: str) -> list:
    events = [parse_event(raw) for raw in client.published.get(instructie_topic(agency).name, [])]
    return [
        e
        for e in events
        if isinstance(e.data, EscalatieUitnodigingInstructie)
        and e.data.escalatie_id == escalatie_id
    ]


def antwoord(instructie, soort, **velden):
    agency = instructie.data.uitvoerder
    data = soort(
        escalatie_id=instructie.data.escalatie_id,
        casus_id=instructie.data.casus_id,
        uitvoerder=agency,
        instructie_id=instructie.id,
        beantwoord_op=dt.datetime.now(dt.UTC),
        **velden,
    )
    return make_event(
        data, source=UITVOERDERS[Uitvoerder(agency)].source, subject=instructie.data.casus_id
    )


async def publish(client, event) -> None:
    topic = opschorting_antwoord_topic(event.data.uitvoerder).name
    await client.broker.publish(event.to_bytes(), topic, key=b"k")


async def view(client, escalatie_id: str) -> dict:
    response = await client.get(f"/api/v1/escalaties/{escalatie_id}")
    assert response.status_code == 200, response.text
    return {u["partij"]["oin"]: u["instructie"] for u in response.json()["uitnodigingen"]}


async def test_invitation_answers_show_at_their_invitation(loket):
    casus_id, e = await escaleer(loket)
    escalatie_id = e["escalatie_id"]
    [naar_cjib] = await wait_for(lambda: uitnodigingen(loket, "cjib", escalatie_id))
    [naar_duo] = await wait_for(lambda: uitnodigingen(loket, "duo", escalatie_id))
    assert BSN.encode() not in naar_cjib.to_bytes()
    voor = await view(loket, escalatie_id)
    assert voor[CJIB]["status"] == "pending" and voor[CJIB]["instructie_id"] == naar_cjib.id

    ontvangen = antwoord(naar_cjib, EscalatieUitnodigingOntvangen, referentie="CJIB-UIT-2026-1")
    await publish(loket, ontvangen)
    await publish(loket, ontvangen)  # redelivered: changes nothing
    await publish(
        loket,
        antwoord(
            naar_duo,
            EscalatieUitnodigingGeweigerd,
            redencode=Weigeringsreden.ONBEKENDE_PERSOON,
            reden="DEBITEUR_ONBEKEND: Debiteur is niet bekend bij DUO.",
        ),
    )

    deadline = asyncio.get_running_loop().time() + 30
    while True:
        na = await view(loket, escalatie_id)
        if na[CJIB]["status"] != "pending" and na[DUO]["status"] != "pending":
            break
        assert asyncio.get_running_loop().time() < deadline, "answers not recorded in time"
        await poll_pause()
    assert (na[CJIB]["status"], na[CJIB]["referentie"]) == ("confirmed", "CJIB-UIT-2026-1")
    assert (na[DUO]["status"], na[DUO]["redencode"]) == ("refused", "onbekende-persoon")
    assert na[DUO]["reden"].startswith("DEBITEUR_ONBEKEND")

    audit = (await loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    beantwoord = [a for a in audit if a["actie"] == "uitnodiging.beantwoord"]
    assert sorted(a["actor"] for a in beantwoord) == sorted(
        [UITVOERDERS[Uitvoerder.CJIB].source, UITVOERDERS[Uitvoerder.DUO].source]
    )


async def test_a_repayment_request_to_an_installed_agency_shows_its_answer(loket, hub_app, clients):
    """The LET designates the CJIB (an installed agency): its repayment request goes out as an
    instruction, and its acceptance shows at the request in the bridging view."""
    cjib = clients(hub_app, "cjib")
    entry = registerregel(naam="CJIB", soort="landelijke-uitvoerder")
    assert (await cjib.put(f"/api/v1/register/{CJIB}", json=entry)).status_code == 201
    let = _with_hub(clients(hub_app, "let"), hub_app)
    ovb = await toegekend(loket)
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(300_000, vandaag(), "B1"), 201)
    await post(let, f"{OVB}/{ovb}/verantwoordelijke", aanwijzing_body(CJIB, kader="overig"))

    def instructies() -> list:
        events = [
            parse_event(raw) for raw in loket.published.get(instructie_topic("cjib").name, [])
        ]
        return [
            e
            for e in events
            if isinstance(e.data, TerugbetalingsverzoekInstructie) and e.data.overbrugging_id == ovb
        ]

    [instructie] = await wait_for(instructies)
    assert instructie.data.bedrag.centen == 300_000
    data = TerugbetalingsverzoekAanvaard(
        overbrugging_id=ovb,
        casus_id=instructie.data.casus_id,
        verzoek_id=instructie.data.verzoek_id,
        uitvoerder=Uitvoerder.CJIB,
        instructie_id=instructie.id,
        beantwoord_op=dt.datetime.now(dt.UTC),
        referentie="CJIB-BET-2026-000001",
    )
    await publish(
        loket,
        make_event(
            data, source=UITVOERDERS[Uitvoerder.CJIB].source, subject=instructie.data.casus_id
        ),
    )
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        [verzoek] = (await loket.get(f"{OVB}/{ovb}")).json()["terugbetalingsverzoeken"]
        if verzoek["instructie"]["status"] != "pending":
            break
        assert asyncio.get_running_loop().time() < deadline, "answer not recorded in time"
        await poll_pause()
    assert verzoek["instructie"]["status"] == "confirmed"
    assert verzoek["instructie"]["referentie"] == "CJIB-BET-2026-000001"
