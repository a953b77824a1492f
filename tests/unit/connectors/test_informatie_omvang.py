"""An information answer and the profile's 64 KB: it is never trimmed (a debt overview missing a
claim would be wrong without anyone noticing), so one that does not fit is dead-lettered
``antwoord-te-groot`` and reported to the hub; one that fits is published whole."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from connectors.base.backoffice import BackofficeClient
from connectors.base.omvang import MAX_ANTWOORD, zonder_detail
from connectors.base.runtime import Herhaalbeleid, InstructieVerwerker, antwoord_event_id
from connectors.cjib import KOPPELING
from schemas import deadletter as dl
from schemas import parse_event
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.informatie import InformatieVerstrekt
from schemas.topics import dead_letter_topic, informatie_antwoord_topic, informatie_verzoek_topic
from tests.support.records import record_of
from tests.unit.connectors.berichten import sleutel
from tests.unit.connectors.informatieverzoeken import verzoek, vorderingen

BSN = "999990019"
NU = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
ANTWOORDEN = informatie_antwoord_topic("cjib").name


def _zaken(aantal: int) -> dict[str, Any]:
    return {
        "referentieKetenpartner": "x",
        "zoekresultaat": {
            "zaken": {
                "lijst": [
                    {
                        "zaaknummer": f"WAHV-2025-{n:06d}",
                        "soort": "verkeersboete",
                        "bedrag": {"opgelegdCent": 23900, "openstaandCent": 23900},
                        "maatregelen": ["INNING", "BESLAGLEGGING"],
                    }
                    for n in range(aantal)
                ]
            }
        },
        "nietBeschikbaar": [],
    }


async def _verwerk(aantal: int) -> tuple[list[tuple[str, bytes, dict[str, str]]], Any]:
    agency, ontvanger = sleutel(), sleutel()
    gepubliceerd: list[tuple[str, bytes, dict[str, str]]] = []

    async def publiceer(body: bytes, *, topic: str, key: Any, headers: Any) -> None:
        gepubliceerd.append((topic, body, headers))

    async def slaap(seconden: float) -> None:
        return None

    verwerker = InstructieVerwerker(
        koppeling=KOPPELING,
        client=BackofficeClient(
            base_url="http://cjib.test",
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=_zaken(aantal))),
        ),
        sleutel=agency,
        publiceer=publiceer,
        herhaalbeleid=Herhaalbeleid(),
        klok=lambda: NU,
        slaap=slaap,
    )
    event = verzoek("cjib", [BSN], agency.public_key(), ontvanger=ontvanger.public_key())
    record = record_of(event, 7, topic=informatie_verzoek_topic("cjib").name)
    await verwerker.verwerk(record)
    return gepubliceerd, (event, ontvanger)


async def test_an_answer_that_fits_is_published_whole():
    gepubliceerd, (event, ontvanger) = await _verwerk(90)
    ((topic, body, _),) = gepubliceerd
    assert topic == ANTWOORDEN
    assert len(body) <= MAX_ANTWOORD
    antwoord = parse_event(body)
    assert antwoord.id == antwoord_event_id(event.id)
    assert isinstance(antwoord.data, InformatieVerstrekt)
    assert len(vorderingen(antwoord.data, ontvanger)) == 90


async def test_an_answer_over_64_kb_is_dead_lettered_antwoord_te_groot_and_reported():
    gepubliceerd, (event, _) = await _verwerk(200)
    dead = [(b, h) for t, b, h in gepubliceerd if t == dead_letter_topic("cjib").name]
    ((_, headers),) = dead
    assert headers[dl.HEADER_REASON_CODE] == "antwoord-te-groot"
    (melding,) = [parse_event(b) for t, b, _ in gepubliceerd if t == ANTWOORDEN]
    assert isinstance(melding.data, AfleveringMislukt)
    assert (melding.data.redencode, melding.data.definitief) == (
        AfleveringReden.ONVERWERKBAAR,
        True,
    )
    assert melding.data.instructie_id == event.id
    assert BSN not in str(gepubliceerd)


def test_zonder_detail_leaves_an_information_answer_alone():
    # The guard has nothing to drop from an InformatieVerstrekt: every Gegeven is content.
    from connectors.base.informatie import Opgave, Vordering, maak_antwoord
    from schemas.informatie import VorderingInhoud
    from tests.unit.connectors.informatieverzoeken import opdracht

    agency = sleutel()
    event = verzoek("cjib", [BSN], agency.public_key(), ontvanger=sleutel().public_key())
    claim = VorderingInhoud(
        referentie="A", soort="b", oorspronkelijk_bedrag_centen=1, openstaand_bedrag_centen=1
    )
    antwoord = maak_antwoord(opdracht(event, [BSN]), Opgave(vorderingen=(Vordering(claim),)), NU)
    assert zonder_detail(antwoord) is None
