"""An information request whose back-office fails is handled as a time-out instruction is: away,
retried and reported once (not final) on the agency's information answer topic; a server error,
bounded, then dead-lettered ``backoffice-fout`` and reported final; another client error,
``backoffice-afgewezen`` at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from aiokafka import ConsumerRecord

from connectors.base.backoffice import BackofficeClient, BackofficeOnbereikbaar
from connectors.base.runtime import Herhaalbeleid, InstructieVerwerker
from connectors.duo import KOPPELING
from schemas import deadletter as dl
from schemas import parse_event
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.topics import dead_letter_topic, informatie_antwoord_topic, informatie_verzoek_topic
from tests.unit.connectors.berichten import sleutel
from tests.unit.connectors.informatieverzoeken import verzoek

BSN = "999990019"
NU = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
ANTWOORDEN = informatie_antwoord_topic("duo").name


class Duo:
    """The DUO connector's record handling with a back-office that answers ``status`` always."""

    def __init__(self, status: int) -> None:
        self.sleutel = sleutel()
        self.gepubliceerd: list[tuple[str, bytes, dict[str, str]]] = []
        self.verzoeken = 0

        def transport(request: httpx.Request) -> httpx.Response:
            self.verzoeken += 1
            return httpx.Response(status, json={"fout": {"code": "X", "bericht": "?"}})

        async def publiceer(body: bytes, *, topic: str, key: Any, headers: Any) -> None:
            self.gepubliceerd.append((topic, body, headers))

        async def slaap(seconden: float) -> None:
            return None

        self.verwerker = InstructieVerwerker(
            koppeling=KOPPELING,
            client=BackofficeClient(
                base_url="http://duo.test", transport=httpx.MockTransport(transport)
            ),
            sleutel=self.sleutel,
            publiceer=publiceer,
            herhaalbeleid=Herhaalbeleid(pogingen=3, fout_pogingen=5, peiling=8.0),  # no probes
            klok=lambda: NU,
            slaap=slaap,
        )
        self.event = verzoek(
            "duo", [BSN], self.sleutel.public_key(), ontvanger=sleutel().public_key()
        )
        self.record = ConsumerRecord(
            topic=informatie_verzoek_topic("duo").name,
            partition=1,
            offset=3,
            timestamp=0,
            timestamp_type=0,
            key=self.event.subject.encode(),
            value=self.event.to_bytes(),
            checksum=None,
            serialized_key_size=0,
            serialized_value_size=0,
            headers=(),
        )

    def meldingen(self) -> list[AfleveringMislukt]:
        events = [parse_event(b).data for t, b, _ in self.gepubliceerd if t == ANTWOORDEN]
        assert all(isinstance(e, AfleveringMislukt) for e in events)
        return events  # type: ignore[return-value]

    def dead_letters(self) -> list[dict[str, str]]:
        return [h for t, _, h in self.gepubliceerd if t == dead_letter_topic("duo").name]


async def test_a_back_office_away_is_retried_and_reported_once_not_final():
    duo = Duo(503)
    for _ in range(2):  # two rounds (the record is handed back for redelivery each time)
        with pytest.raises(BackofficeOnbereikbaar):
            await duo.verwerker.verwerk(duo.record)
    assert duo.verzoeken == 6
    (melding,) = duo.meldingen()
    assert (melding.redencode, melding.definitief) == (
        AfleveringReden.BACKOFFICE_ONBEREIKBAAR,
        False,
    )
    assert melding.instructie_id == duo.event.id
    assert melding.instructie_type == "nl.maatwerk.informatie.verzoek.v1"
    assert duo.dead_letters() == []


async def test_a_server_error_is_bounded_then_dead_lettered_and_reported_final():
    duo = Duo(500)
    for _ in range(10):
        await duo.verwerker.verwerk(duo.record)
        if duo.dead_letters():
            break
    assert duo.verzoeken == 5
    (headers,) = duo.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "backoffice-fout"
    (melding,) = duo.meldingen()
    assert (melding.redencode, melding.definitief) == (AfleveringReden.BACKOFFICE_FOUT, True)


async def test_another_client_error_is_backoffice_afgewezen_at_once():
    duo = Duo(409)
    await duo.verwerker.verwerk(duo.record)
    assert duo.verzoeken == 1
    (headers,) = duo.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "backoffice-afgewezen"
    (melding,) = duo.meldingen()
    assert (melding.redencode, melding.definitief) == (AfleveringReden.BACKOFFICE_AFGEWEZEN, True)
    assert BSN not in str(duo.gepubliceerd)
