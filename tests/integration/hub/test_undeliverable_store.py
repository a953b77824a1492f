"""On SQLite and PostgreSQL: an instruction the outbox gives up on makes its request undeliverable
(stored with its reason), and the agency's answer that comes later replaces it."""

from __future__ import annotations

from collections.abc import Sequence

from hub.adapters.outbox import Outgoing, Undeliverable
from hub.domain.verzoek import VerzoekStatus
from hub.service.antwoorden import verwerk_antwoord
from hub.service.ops import overview
from hub.service.opschorting import lees_opschorting
from schemas import make_event
from schemas.opschorting import OpschortingBevestigd
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import instructie_topic, opschorting_antwoord_topic
from tests.integration.hub.test_store import order as place_order


async def test_an_instruction_the_outbox_gives_up_on_makes_its_request_undeliverable(hub):
    opschorting_id = await place_order(hub)
    cjib_topic = instructie_topic("cjib").name

    async def publish(batch: Sequence[Outgoing]) -> list[BaseException | None]:
        return [
            Undeliverable("MessageSizeTooLargeError: 2000000 bytes")
            if m.topic == cjib_topic
            else None
            for m in batch
        ]

    relay = hub.attach_relay(publish)
    await relay.relay_once()

    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    links = {v.uitvoerder: v for v in opschorting.keten}
    cjib = links["cjib"]
    assert cjib.status is VerzoekStatus.UNDELIVERABLE
    assert cjib.aflevering is not None and cjib.aflevering.definitief is True
    assert cjib.aflevering.redencode == "publicatie-opgegeven"
    assert "Undeliverable" in cjib.aflevering.toelichting
    assert "2000000" not in cjib.aflevering.toelichting  # the type only, never the message
    assert {v.status for u, v in links.items() if u != "cjib"} == {VerzoekStatus.PENDING}
    assert (await overview(hub.uow(), hub.deps)).links["undeliverable"] == 1

    data = OpschortingBevestigd(
        opschorting_id=opschorting_id,
        casus_id=opschorting.casus_id,
        uitvoerder=Uitvoerder.CJIB,
        instructie_id=cjib.instructie_id,
        beantwoord_op=hub.now(),
        referentie="CJIB-1",
    )
    event = make_event(
        data, source=UITVOERDERS[Uitvoerder.CJIB].source, subject=opschorting.casus_id
    )
    await verwerk_antwoord(
        event, hub.uow(), hub.deps, topic=opschorting_antwoord_topic("cjib").name
    )
    cjib = (await lees_opschorting(opschorting_id, hub.uow(), hub.deps)).verzoek_van("cjib")
    assert cjib.status is VerzoekStatus.CONFIRMED and cjib.aflevering is None
