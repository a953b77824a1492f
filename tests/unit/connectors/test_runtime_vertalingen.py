"""The runtime knows no instrument: it reads the topics of the translated types, parks the rest,
runs a translation's look-up step, and answers on the topic the catalogue gives for the answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import ConsumerRecord

from connectors.base.backoffice import BackofficeClient, HttpVerzoek
from connectors.base.koppeling import Koppeling, laad_koppeling
from connectors.base.opschorting import Bevestiging, Weigering
from connectors.base.runtime import InstructieVerwerker, antwoord_event_id, bouw_broker
from connectors.base.vertaling import Opzoeking, Vertaling
from schemas import CONTENT_TYPE, make_event, parse_event
from schemas import deadletter as dl
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.casus import CasusIngediend
from schemas.informatie import InformatieGeweigerd, InformatieVerzoek, Weigeringsgrond
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingGeweigerd,
    OpschortingInstructie,
    OpschortingVerlengingInstructie,
    PersoonVersleuteld,
    Redencode,
)
from schemas.organisaties import HUB, UITVOERDERS, Uitvoerder
from schemas.topics import (
    dead_letter_topic,
    informatie_antwoord_topic,
    informatie_verzoek_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from schemas.versleuteling import seal
from schemas.voorbeelden import voorbeelden
from tests.unit.connectors.berichten import casus_id, instructie, sleutel, verlenging

BSN = "999990019"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
ORDER = OpschortingInstructie.event_type
VERLENGING = OpschortingVerlengingInstructie.event_type
CJIB_TOPIC = instructie_topic("cjib").name
OPSCHORTING_ANTWOORD = opschorting_antwoord_topic("cjib")  # the CJIB connector writes only its own
INFORMATIE_ANTWOORD = informatie_antwoord_topic("cjib")


class Verwerking:
    """One connector's record handling without a broker: records in, published records out."""

    def __init__(self, koppeling: Koppeling, backoffice=None) -> None:
        self.sleutel = sleutel()
        self.verzoeken: list[httpx.Request] = []
        self.gepubliceerd: list[tuple[str, bytes, dict[str, str]]] = []
        self._backoffice = backoffice or (lambda request: httpx.Response(201, json={}))

        def transport(request: httpx.Request) -> httpx.Response:
            self.verzoeken.append(request)
            return self._backoffice(request)

        async def publiceer(body, *, topic, key, headers) -> None:
            self.gepubliceerd.append((topic, body, headers))

        async def slaap(seconden: float) -> None:
            return None

        self.verwerker = InstructieVerwerker(
            koppeling=koppeling,
            client=BackofficeClient(
                base_url="http://backoffice.test", transport=httpx.MockTransport(transport)
            ),
            sleutel=self.sleutel,
            publiceer=publiceer,
            klok=lambda: NU,
            slaap=slaap,
        )
        self._offset = 0

    async def verwerk(self, value: bytes, topic: str = CJIB_TOPIC) -> None:
        self._offset += 1
        record = ConsumerRecord(
            topic=topic,
            partition=0,
            offset=self._offset,
            timestamp=0,
            timestamp_type=0,
            key=b"sleutel",
            value=value,
            checksum=None,
            serialized_key_size=0,
            serialized_value_size=0,
            headers=(),
        )
        await self.verwerker.verwerk(record)

    def op(self, topic: str) -> list[tuple[bytes, dict[str, str]]]:
        return [(body, headers) for t, body, headers in self.gepubliceerd if t == topic]

    def order(self, **kwargs: Any):
        return instructie("cjib", [BSN], self.sleutel.public_key(), **kwargs)


def _alleen(koppeling: Koppeling, *typen: str) -> Koppeling:
    return dataclasses.replace(koppeling, vertalingen={t: koppeling.vertalingen[t] for t in typen})


def _casus_ingediend() -> bytes:
    data = CasusIngediend.model_validate(
        {
            "casus_id": casus_id(),
            "indiener_oin": "00000001999999990201",
            "maatwerkfunctionaris": {"naam": "Team", "email": "team@gemeente.example"},
            "huishouden": [{"pseudoniem": f"psn-{uuid.uuid4().hex}", "rol": "aanvrager"}],
            "probleemdomeinen": ["schulden"],
            "betrokken_organisaties": ["cjib"],
            "geprobeerd": "Regeling geprobeerd",
            "urgentie": "hoog",
            "gevraagde_instrumenten": ["time-out"],
            "ingediend_op": dt.datetime.now(dt.UTC),
        }
    )
    return make_event(data, source=HUB.source, subject=data.casus_id).to_bytes()


# ------------------------------------------------------------------ types without a translation


async def test_a_type_the_topic_carries_without_translation_is_niet_ondersteund_and_we_go_on():
    verwerking = Verwerking(_alleen(laad_koppeling("cjib"), ORDER))
    origineel = verwerking.order()
    verlengd = verlenging(origineel).to_bytes()
    await verwerking.verwerk(verlengd)
    await verwerking.verwerk(origineel.to_bytes())

    ((value, headers),) = verwerking.op(dead_letter_topic("cjib").name)
    assert value == verlengd
    assert headers[dl.HEADER_REASON_CODE] == "niet-ondersteund"
    assert headers[dl.HEADER_REASON].startswith(f"niet-ondersteund: type {VERLENGING} ")
    assert headers[dl.HEADER_CONSUMER] == "connector-cjib"
    assert headers[dl.HEADER_FAILED_BY] == f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}"
    assert headers[dl.HEADER_ORIGIN_TOPIC] == CJIB_TOPIC
    assert len(verwerking.verzoeken) == 1  # only the order, not the extension
    melding, antwoord = (parse_event(body) for body, _ in verwerking.op(OPSCHORTING_ANTWOORD.name))
    assert isinstance(melding.data, AfleveringMislukt)  # the hub learns the extension is parked
    assert melding.data.redencode is AfleveringReden.ONVERWERKBAAR
    assert melding.data.definitief
    assert "niet-ondersteund" in melding.data.toelichting
    assert antwoord.data.instructie_id == origineel.id


async def test_a_type_that_does_not_belong_on_the_topic_is_onverwacht_type_and_we_go_on():
    verwerking = Verwerking(laad_koppeling("cjib"))
    vreemd = _casus_ingediend()
    await verwerking.verwerk(vreemd)
    await verwerking.verwerk(verwerking.order().to_bytes())

    ((value, headers),) = verwerking.op(dead_letter_topic("cjib").name)
    assert value == vreemd
    assert headers[dl.HEADER_REASON_CODE] == "onverwacht-type"
    assert "nl.maatwerk.casus.ingediend.v1" in headers[dl.HEADER_REASON]
    assert len(verwerking.op(OPSCHORTING_ANTWOORD.name)) == 1


async def test_an_information_request_on_its_topic_without_translation_is_niet_ondersteund():
    verwerking = Verwerking(_alleen(laad_koppeling("cjib"), ORDER))
    await verwerking.verwerk(
        _informatieverzoek(verwerking).to_bytes(), topic=informatie_verzoek_topic("cjib").name
    )
    ((_, headers),) = verwerking.op(dead_letter_topic("cjib").name)
    assert headers[dl.HEADER_REASON_CODE] == "niet-ondersteund"


# ------------------------------------------------------------------------------- subscriptions


def _abonnementen(koppeling: Koppeling) -> set[str]:
    broker = bouw_broker(
        koppeling=koppeling,
        client=BackofficeClient(base_url="http://backoffice.test"),
        sleutel=sleutel(),
        bootstrap_servers="localhost:9092",
    )
    (subscriber,) = broker.subscribers
    return set(subscriber.topic_names)


@pytest.mark.parametrize("agency", ["belastingdienst", "cjib", "duo"])
def test_each_connector_reads_exactly_its_instruction_and_information_request_topics(agency):
    koppeling = laad_koppeling(agency)
    eigen = [instructie_topic(agency).name, informatie_verzoek_topic(agency).name]
    assert [t.name for t in koppeling.topics] == eigen
    assert _abonnementen(koppeling) == set(eigen)


def test_a_translated_information_request_adds_its_topic_and_nothing_else():
    koppeling = _met_informatie(laad_koppeling("cjib"))
    assert _abonnementen(koppeling) == {CJIB_TOPIC, informatie_verzoek_topic("cjib").name}
    alleen_informatie = _alleen(koppeling, InformatieVerzoek.event_type)
    assert _abonnementen(alleen_informatie) == {informatie_verzoek_topic("cjib").name}


def test_a_translation_for_a_type_the_agency_never_receives_is_refused():
    vertaling = laad_koppeling("cjib").vertalingen[ORDER]
    with pytest.raises(ValueError, match="no registered instruction type"):
        Koppeling(
            uitvoerder=Uitvoerder.CJIB,
            standaard_url="http://x",
            vertalingen={"nl.maatwerk.casus.ingediend.v1": vertaling},
        )


# ---------------------------------------------------------------------- the generic look-up step


def _opzoekende_vertaling(gezien: list[Any], lees_zoek) -> Vertaling[Any, Any]:
    """A translation of the extension whose request needs the agency's reference."""

    def naar_verzoek(opdracht):
        gezien.append(opdracht.referentie)
        return HttpVerzoek("POST", f"/zaken/{opdracht.gevonden()}/verlengingen", body={})

    def lees_antwoord(opdracht, antwoord):
        return Bevestiging(referentie=opdracht.gevonden(), wijzigingsreferentie="W-1")

    base = laad_koppeling("cjib").vertalingen[VERLENGING]
    return dataclasses.replace(
        base,
        naar_verzoek=naar_verzoek,
        lees_antwoord=lees_antwoord,
        opzoeking=Opzoeking(
            bekend=lambda opdracht: opdracht.instructie.referentie,
            zoek=lambda opdracht: HttpVerzoek(
                "GET", "/zaken", query={"sleutel": opdracht.instructie.instructie_id}
            ),
            lees=lees_zoek,
        ),
    )


def _met(vertaling: Vertaling[Any, Any]) -> Koppeling:
    koppeling = laad_koppeling("cjib")
    vertalingen = {**koppeling.vertalingen, VERLENGING: vertaling}
    return dataclasses.replace(koppeling, vertalingen=vertalingen)


async def test_the_look_up_finds_the_reference_the_request_then_uses():
    gezien: list[Any] = []
    vertaling = _opzoekende_vertaling(gezien, lambda opdracht, antwoord: antwoord.body["ref"])
    verwerking = Verwerking(
        _met(vertaling), backoffice=lambda request: httpx.Response(200, json={"ref": "Z-7"})
    )
    origineel = verwerking.order()
    verlengd = verlenging(origineel)
    await verwerking.verwerk(verlengd.to_bytes())

    zoek, verleng = verwerking.verzoeken
    assert (zoek.method, zoek.url.path) == ("GET", "/zaken")
    assert zoek.url.params["sleutel"] == origineel.id
    assert (verleng.method, verleng.url.path) == ("POST", "/zaken/Z-7/verlengingen")
    assert gezien == ["Z-7"]
    ((antwoord, _),) = verwerking.op(OPSCHORTING_ANTWOORD.name)
    event = parse_event(antwoord)
    assert event.id == antwoord_event_id(verlengd.id)
    assert isinstance(event.data, OpschortingBevestigd)
    assert (event.data.referentie, event.data.wijzigingsreferentie) == ("Z-7", "W-1")


async def test_a_reference_in_the_instruction_skips_the_look_up():
    gezien: list[Any] = []
    vertaling = _opzoekende_vertaling(gezien, lambda opdracht, antwoord: pytest.fail("looked up"))
    verwerking = Verwerking(_met(vertaling))
    await verwerking.verwerk(verlenging(verwerking.order(), referentie="Z-1").to_bytes())
    assert [r.url.path for r in verwerking.verzoeken] == ["/zaken/Z-1/verlengingen"]
    assert gezien == ["Z-1"]


async def test_a_look_up_that_answers_itself_sends_no_request():
    niets = Weigering(Redencode.ONBEKENDE_VORDERING, "nothing registered")
    gezien: list[Any] = []
    vertaling = _opzoekende_vertaling(gezien, lambda opdracht, antwoord: niets)
    verwerking = Verwerking(_met(vertaling))
    await verwerking.verwerk(verlenging(verwerking.order()).to_bytes())
    assert [r.method for r in verwerking.verzoeken] == ["GET"]
    assert gezien == []
    ((antwoord, _),) = verwerking.op(OPSCHORTING_ANTWOORD.name)
    data = parse_event(antwoord).data
    assert isinstance(data, OpschortingGeweigerd)
    assert data.redencode is Redencode.ONBEKENDE_VORDERING


async def test_a_bug_in_the_look_up_parks_the_message_with_only_the_exception_type():
    def kapot(opdracht, antwoord):
        raise ValueError(opdracht.bsns[0])

    verwerking = Verwerking(_met(_opzoekende_vertaling([], kapot)))
    await verwerking.verwerk(verlenging(verwerking.order()).to_bytes())
    ((_, headers),) = verwerking.op(dead_letter_topic("cjib").name)
    assert headers[dl.HEADER_REASON_CODE] == "verwerkingsfout"
    assert "ValueError" in headers[dl.HEADER_REASON]
    assert BSN not in str(headers)
    ((body, _),) = verwerking.op(OPSCHORTING_ANTWOORD.name)
    melding = parse_event(body).data
    assert isinstance(melding, AfleveringMislukt)
    assert (melding.redencode, melding.definitief) == (AfleveringReden.ONVERWERKBAAR, True)
    assert BSN not in body.decode()


# ------------------------------------------------------- a new instrument is a new translation


def _informatieverzoek(verwerking: Verwerking):
    voorbeeld = voorbeelden()[InformatieVerzoek.event_type].data
    data = InformatieVerzoek.model_validate(
        {
            **voorbeeld.model_dump(),
            "casus_id": casus_id(),
            "verstrekker": Uitvoerder.CJIB,
            "personen": [
                PersoonVersleuteld(
                    pseudoniem=voorbeeld.personen[0].pseudoniem,
                    bsn_versleuteld=seal(BSN, verwerking.sleutel.public_key()),
                )
            ],
        }
    )
    return make_event(data, source=HUB.source, subject=data.casus_id)


def _informatie_antwoord(opdracht, uitkomst: str, beantwoord_op: dt.datetime):
    verzoek = opdracht.instructie
    return InformatieGeweigerd(
        verzoek_id=verzoek.verzoek_id,
        casus_id=verzoek.casus_id,
        verstrekker=verzoek.verstrekker,
        verzoek_event_id=opdracht.instructie_id,
        redencode=Weigeringsgrond.ONBEKENDE_PERSOON,
        reden=uitkomst,
        geweigerd_op=beantwoord_op,
    )


INFORMATIE = Vertaling(
    naar_verzoek=lambda opdracht: HttpVerzoek(
        "POST", "/cjib/informatieverzoeken", body={"bsns": list(opdracht.bsns)}
    ),
    lees_antwoord=lambda opdracht, antwoord: str(antwoord.body["melding"]),
    maak_antwoord=_informatie_antwoord,
)


def _met_informatie(koppeling: Koppeling) -> Koppeling:
    return dataclasses.replace(
        koppeling, vertalingen={**koppeling.vertalingen, InformatieVerzoek.event_type: INFORMATIE}
    )


async def test_an_information_request_is_answered_on_the_information_answer_topic():
    verwerking = Verwerking(
        _met_informatie(laad_koppeling("cjib")),
        backoffice=lambda request: httpx.Response(200, json={"melding": "Onbekend bij het CJIB"}),
    )
    event = _informatieverzoek(verwerking)
    await verwerking.verwerk(event.to_bytes(), topic=informatie_verzoek_topic("cjib").name)

    (verzoek,) = verwerking.verzoeken
    assert json.loads(verzoek.content) == {"bsns": [BSN]}
    assert BSN not in str(verzoek.url)
    ((antwoord, headers),) = verwerking.op(INFORMATIE_ANTWOORD.name)
    assert headers["content-type"] == CONTENT_TYPE
    answer = parse_event(antwoord)
    assert answer.id == antwoord_event_id(event.id)
    assert answer.subject == event.subject
    assert isinstance(answer.data, InformatieGeweigerd)
    assert answer.data.reden == "Onbekend bij het CJIB"
    assert answer.data.geweigerd_op == NU
    assert verwerking.op(dead_letter_topic("cjib").name) == []
    assert verwerking.op(OPSCHORTING_ANTWOORD.name) == []
