"""Delivery trouble: which back-office failures are retried for ever, which a bounded number of
times, which not at all; what the hub is told (AfleveringMislukt); answers that would not fit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
import structlog.testing
from aiokafka import ConsumerRecord

from connectors.base.aflevering import melding_event_id, meldingstopic
from connectors.base.backoffice import BackofficeClient, BackofficeFout
from connectors.base.omvang import MAX_ANTWOORD
from connectors.base.runtime import Herhaalbeleid, InstructieVerwerker, antwoord_event_id
from connectors.cjib import KOPPELING
from schemas import CloudEvent, parse_event
from schemas import deadletter as dl
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.informatie import InformatieVerzoek
from schemas.logs import LogThrottle
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingInstructie,
)
from schemas.organisaties import Uitvoerder
from schemas.topics import dead_letter_topic, instructie_topic, opschorting_antwoord_topic
from tests.unit.connectors.berichten import instructie, sleutel

BSN = "999990019"
NU = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TOPIC = instructie_topic("cjib").name
ANTWOORDEN = opschorting_antwoord_topic("cjib").name
BELEID = Herhaalbeleid(
    pogingen=3, eerste_wachttijd=0.5, max_wachttijd=4, fout_pogingen=5, peiling=4
)
"""No probe within a wait (``peiling`` as long as the longest): each request in a script is an
attempt (the probe: tests/unit/connectors/test_bereikbaarheid.py)."""

Stap = httpx.Response | Exception


def _bevestigd(zaken: list[dict[str, Any]] | None = None) -> httpx.Response:
    zaken = zaken or [{"zaaknummer": "WAHV-2025-000119", "status": "OPGESCHORT", "reden": None}]
    return httpx.Response(201, json={"cjibReferentie": "CJIB-OPS-00000042", "zaken": zaken})


class Verbinding:
    """The CJIB connector's record handling with a scripted back-office and a recording
    publisher (no broker); a publisher can be made to fail like a broker that is away."""

    def __init__(self, *stappen: Stap, beleid: Herhaalbeleid = BELEID) -> None:
        self.sleutel = sleutel()
        self.stappen: list[Stap] = list(stappen)
        self.verzoeken: list[httpx.Request] = []
        self.gepubliceerd: list[tuple[str, bytes, dict[str, str]]] = []
        self.wachttijden: list[float] = []
        self.broker_weg = False
        self.kapotte_topics: set[str] = set()
        self._offset = 0

        def transport(request: httpx.Request) -> httpx.Response:
            self.verzoeken.append(request)
            stap = self.stappen.pop(0) if self.stappen else _bevestigd()
            if isinstance(stap, Exception):
                raise stap
            return stap

        async def publiceer(body: bytes, *, topic: str, key: Any, headers: Any) -> None:
            if self.broker_weg:
                raise ConnectionError("broker away")
            if topic in self.kapotte_topics and b"aflevering.mislukt" not in body:
                raise ValueError("a bug, not a failure that passes")
            self.gepubliceerd.append((topic, body, headers))

        async def slaap(seconden: float) -> None:
            self.wachttijden.append(seconden)

        self.verwerker = InstructieVerwerker(
            koppeling=KOPPELING,
            client=BackofficeClient(
                base_url="http://cjib.test", transport=httpx.MockTransport(transport)
            ),
            sleutel=self.sleutel,
            publiceer=publiceer,
            herhaalbeleid=beleid,
            klok=lambda: NU,
            slaap=slaap,
        )

    def order(self, **kwargs: Any) -> CloudEvent[OpschortingInstructie]:
        return instructie("cjib", [BSN], self.sleutel.public_key(), **kwargs)

    def record(self, value: bytes | None, *, headers: Any = (), offset: int | None = None):
        if offset is None:
            self._offset += 1
        return ConsumerRecord(
            topic=TOPIC,
            partition=0,
            offset=self._offset if offset is None else offset,
            timestamp=0,
            timestamp_type=0,
            key=b"k",
            value=value,
            checksum=None,
            serialized_key_size=0,
            serialized_value_size=0,
            headers=headers,
        )

    async def verwerk(self, value: bytes | None, **kwargs: Any) -> None:
        await self.verwerker.verwerk(self.record(value, **kwargs))

    def dead_letters(self) -> list[tuple[bytes, dict[str, str]]]:
        return [(b, h) for t, b, h in self.gepubliceerd if t == dead_letter_topic("cjib").name]

    def op_antwoordtopic(self) -> Iterator[CloudEvent[Any]]:
        return (parse_event(b) for t, b, _ in self.gepubliceerd if t == ANTWOORDEN)

    def meldingen(self) -> list[CloudEvent[Any]]:
        return [e for e in self.op_antwoordtopic() if isinstance(e.data, AfleveringMislukt)]

    def antwoorden(self) -> list[CloudEvent[Any]]:
        return [e for e in self.op_antwoordtopic() if not isinstance(e.data, AfleveringMislukt)]


# ------------------------------------------------------------------- a server error: bounded


async def test_a_server_error_on_one_instruction_is_dead_lettered_after_bounded_attempts():
    verbinding = Verbinding(*[httpx.Response(500)] * 5)
    kapot, volgende = verbinding.order(), verbinding.order()
    await verbinding.verwerk(kapot.to_bytes())
    await verbinding.verwerk(volgende.to_bytes())

    assert len(verbinding.verzoeken) == 5 + 1
    assert verbinding.wachttijden == [0.5, 1.0, 2.0, 4]  # backoff, well under a minute
    ((value, headers),) = verbinding.dead_letters()
    assert value == kapot.to_bytes()
    assert headers[dl.HEADER_REASON_CODE] == "backoffice-fout"
    assert "HTTP 500 on each of 5 attempts" in headers[dl.HEADER_REASON]
    (melding,) = verbinding.meldingen()
    assert melding.id == melding_event_id(kapot.id, AfleveringReden.BACKOFFICE_FOUT)
    assert melding.subject == kapot.subject
    assert melding.data.instructie_id == kapot.id
    assert melding.data.instructie_type == OpschortingInstructie.event_type
    assert melding.data.uitvoerder is Uitvoerder.CJIB
    assert (melding.data.redencode, melding.data.definitief, melding.data.pogingen) == (
        AfleveringReden.BACKOFFICE_FOUT,
        True,
        5,
    )
    assert melding.data.gemeld_op == NU
    (antwoord,) = verbinding.antwoorden()  # and the next instruction on the partition goes on
    assert antwoord.data.instructie_id == volgende.id


async def test_server_errors_are_counted_across_redeliveries():
    beleid = Herhaalbeleid(pogingen=1, eerste_wachttijd=0, max_wachttijd=0, fout_pogingen=3)
    verbinding = Verbinding(
        httpx.Response(500), httpx.Response(503), *[httpx.Response(500)] * 2, beleid=beleid
    )
    order = verbinding.order()
    record = verbinding.record(order.to_bytes())
    with pytest.raises(Exception, match="HTTP 503"):  # away: handed back for redelivery
        await verbinding.verwerker.verwerk(record)
    assert verbinding.dead_letters() == []
    await verbinding.verwerker.verwerk(record)  # redelivered: 2 more server errors make 3

    assert len(verbinding.verzoeken) == 4
    ((_, headers),) = verbinding.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "backoffice-fout"


async def test_a_server_error_that_passes_is_answered_without_a_report():
    verbinding = Verbinding(httpx.Response(500), httpx.Response(500))
    order = verbinding.order()
    await verbinding.verwerk(order.to_bytes())
    assert [a.data.instructie_id for a in verbinding.antwoorden()] == [order.id]
    assert verbinding.meldingen() == []
    assert verbinding.dead_letters() == []


async def test_a_dead_letter_the_broker_did_not_take_is_retried_without_asking_the_back_office():
    verbinding = Verbinding(*[httpx.Response(500)] * 5)
    order = verbinding.order()
    record = verbinding.record(order.to_bytes())
    verbinding.broker_weg = True
    with pytest.raises(ConnectionError):  # transient: the record is redelivered, not lost
        await verbinding.verwerker.verwerk(record)
    verbinding.broker_weg = False
    await verbinding.verwerker.verwerk(record)

    assert len(verbinding.verzoeken) == 5  # the count was reached: not sent again
    ((_, headers),) = verbinding.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "backoffice-fout"
    assert len(verbinding.meldingen()) == 1


async def test_an_unexpected_error_is_bounded_too_then_dead_lettered_as_verwerkingsfout():
    verbinding = Verbinding()
    verbinding.kapotte_topics.add(ANTWOORDEN)
    order = verbinding.order()
    record = verbinding.record(order.to_bytes())
    for _ in range(BELEID.fout_pogingen - 1):
        with pytest.raises(ValueError):
            await verbinding.verwerker.verwerk(record)
    assert verbinding.dead_letters() == []
    await verbinding.verwerker.verwerk(record)  # the last attempt: set aside, the next goes on

    ((_, headers),) = verbinding.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "verwerkingsfout"
    assert "unexpected ValueError on each of 5 attempts" in headers[dl.HEADER_REASON]
    (melding,) = verbinding.meldingen()
    assert (melding.data.redencode, melding.data.pogingen) == (AfleveringReden.ONVERWERKBAAR, 5)
    assert verbinding.wachttijden == [0.5, 1.0, 2.0, 4]


# -------------------------------------------------------------- a client error: at once


async def test_a_client_error_is_dead_lettered_at_once_and_reported():
    verbinding = Verbinding(httpx.Response(400, json={"code": "ONGELDIG_VERZOEK", "melding": "?"}))
    order = verbinding.order()
    await verbinding.verwerk(order.to_bytes())

    assert len(verbinding.verzoeken) == 1
    assert verbinding.wachttijden == []
    ((_, headers),) = verbinding.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "backoffice-afgewezen"
    (melding,) = verbinding.meldingen()
    assert melding.data.redencode is AfleveringReden.BACKOFFICE_AFGEWEZEN
    assert melding.data.definitief
    assert verbinding.antwoorden() == []


# ------------------------------------------------------- back-office away: retried, reported once


async def test_a_back_office_away_is_reported_once_never_dead_lettered_then_answered():
    verbinding = Verbinding(*[httpx.ConnectError("refused")] * 6, httpx.Response(504))
    order = verbinding.order()
    record = verbinding.record(order.to_bytes())
    for _ in range(2):  # two rounds fail, the record is redelivered each time
        with pytest.raises(Exception, match="ConnectError"):
            await verbinding.verwerker.verwerk(record)
    (melding,) = verbinding.meldingen()
    assert melding.id == melding_event_id(order.id, AfleveringReden.BACKOFFICE_ONBEREIKBAAR)
    assert (melding.data.redencode, melding.data.definitief, melding.data.pogingen) == (
        AfleveringReden.BACKOFFICE_ONBEREIKBAAR,
        False,
        3,
    )
    assert "keeps retrying" in melding.data.toelichting

    await verbinding.verwerker.verwerk(record)  # 504 once more, then the back-office is back
    assert verbinding.dead_letters() == []
    (antwoord,) = verbinding.antwoorden()
    assert antwoord.id == antwoord_event_id(order.id)
    assert isinstance(antwoord.data, OpschortingBevestigd)
    assert len(verbinding.meldingen()) == 1


def test_the_report_id_depends_on_instruction_and_reason_only():
    a = melding_event_id("i-1", AfleveringReden.BACKOFFICE_FOUT)
    assert a == melding_event_id("i-1", AfleveringReden.BACKOFFICE_FOUT)
    assert a != melding_event_id("i-2", AfleveringReden.BACKOFFICE_FOUT)
    assert a != melding_event_id("i-1", AfleveringReden.BACKOFFICE_ONBEREIKBAAR)


def test_reports_go_to_the_answer_topic_of_the_instruments_agency():
    assert meldingstopic(OpschortingInstructie.event_type, Uitvoerder.CJIB) == ANTWOORDEN
    assert meldingstopic(InformatieVerzoek.event_type, Uitvoerder.DUO) == (
        "maatwerk.informatie.antwoord.duo.v1"
    )
    assert meldingstopic("nl.maatwerk.casus.ingediend.v1", Uitvoerder.CJIB) is None


async def test_no_report_quotes_a_bsn():
    verbinding = Verbinding(httpx.Response(500, text=f"kapot voor {BSN}"))
    verbinding.stappen += [httpx.Response(500, text=BSN)] * 4
    await verbinding.verwerk(verbinding.order().to_bytes())
    assert verbinding.meldingen()
    for _, body, headers in verbinding.gepubliceerd:
        assert BSN not in body.decode()
        assert BSN not in json.dumps(headers)


# ------------------------------------------------------------- poison records: a report too


async def test_an_instruction_the_connector_cannot_open_is_reported_as_onverwerkbaar():
    verbinding = Verbinding()
    vreemd = instructie("cjib", [BSN], sleutel().public_key())  # sealed for another key
    await verbinding.verwerk(vreemd.to_bytes())
    ((_, headers),) = verbinding.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "bsn-niet-te-openen"
    (melding,) = verbinding.meldingen()
    assert (melding.data.redencode, melding.data.definitief) == (
        AfleveringReden.ONVERWERKBAAR,
        True,
    )
    assert melding.data.instructie_id == vreemd.id
    assert "bsn-niet-te-openen" in melding.data.toelichting


async def test_garbage_and_other_agencies_instructions_are_not_reported():
    verbinding = Verbinding()
    await verbinding.verwerk(b"{not json")
    await verbinding.verwerk(instructie("duo", [BSN], verbinding.sleutel.public_key()).to_bytes())
    assert len(verbinding.dead_letters()) == 2
    assert verbinding.meldingen() == []


# --------------------------------------------------------------- hostile bytes, any headers

DIEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


@pytest.mark.parametrize(
    ("value", "headers"),
    [
        (b"[" * 100_000 + b"]" * 100_000, ()),
        (DIEP, (("content-type", b"application/json"),)),
        (b"<html>not json</html>", (("content-type", b"application/json"),)),
        (b"\xff\xfe\x00garbage \xc3\x28", (("x-bin", b"\xff\xfe"), ("x-null", None))),
        (b'{"type": "' + b"x" * (1024 * 1024) + b'"}', ()),
        (None, (("x-null", None),)),
    ],
    ids=["nested-array", "nested-object", "not-json", "not-utf8-null-header", "1MiB", "empty"],
)
async def test_hostile_records_are_dead_lettered_and_the_next_one_is_answered(value, headers):
    verbinding = Verbinding()
    await verbinding.verwerk(value, headers=headers)
    order = verbinding.order()
    await verbinding.verwerk(order.to_bytes())

    ((kopie, dlq),) = verbinding.dead_letters()
    assert dlq[dl.HEADER_REASON_CODE] == "ongeldig-bericht"
    assert len(kopie) <= dl.MAX_VALUE
    assert (dlq.get(dl.HEADER_VALUE_CUT) == "true") == (len(value or b"") > dl.MAX_VALUE)
    (antwoord,) = verbinding.antwoorden()
    assert antwoord.data.instructie_id == order.id


# -------------------------------------------------------------------- answers that would not fit


def _zaken(opgeschort: int, niet: int) -> list[dict[str, Any]]:
    toelichting = "IN_BEROEP " + "x" * 200  # the agency's own words: detail, not the decision
    return [
        {"zaaknummer": f"WAHV-2025-{n:06d}", "status": "OPGESCHORT", "reden": None}
        for n in range(opgeschort)
    ] + [
        {"zaaknummer": f"WAHV-2026-{n:06d}", "status": "NIET_OPGESCHORT", "reden": toelichting}
        for n in range(niet)
    ]


async def test_an_answer_over_64_kb_loses_the_detail_but_keeps_the_decision_and_refusals():
    verbinding = Verbinding(_bevestigd(_zaken(opgeschort=3000, niet=40)))
    order = verbinding.order()
    await verbinding.verwerk(order.to_bytes())

    ((_, body, _),) = [p for p in verbinding.gepubliceerd if p[0] == ANTWOORDEN]
    assert len(body) <= MAX_ANTWOORD
    antwoord = parse_event(body).data
    assert isinstance(antwoord, OpschortingDeelsBevestigd)
    assert antwoord.referentie == "CJIB-OPS-00000042"
    assert len(antwoord.vorderingen) == 40
    assert all(
        not v.opgeschort and v.redencode and v.toelichting is None for v in antwoord.vorderingen
    )
    assert verbinding.dead_letters() == []


async def test_an_answer_that_does_not_fit_even_without_detail_is_dead_lettered_and_reported():
    verbinding = Verbinding(_bevestigd(_zaken(opgeschort=10, niet=3000)))
    order = verbinding.order()
    await verbinding.verwerk(order.to_bytes())

    ((_, headers),) = verbinding.dead_letters()
    assert headers[dl.HEADER_REASON_CODE] == "antwoord-te-groot"
    (melding,) = verbinding.meldingen()
    assert (melding.data.redencode, melding.data.definitief) == (
        AfleveringReden.ONVERWERKBAAR,
        True,
    )
    assert verbinding.antwoorden() == []


# -------------------------------------------------------------------------- rate-limited logs


async def test_a_record_that_keeps_failing_logs_once_per_interval():
    klok = [0.0]
    verbinding = Verbinding(*[httpx.Response(503)] * 9)
    verbinding.verwerker._log_throttle = LogThrottle(30, clock=lambda: klok[0])
    record = verbinding.record(verbinding.order().to_bytes())
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):  # 9 failed attempts within the interval
            with pytest.raises(Exception, match="HTTP 503"):
                await verbinding.verwerker.verwerk(record)
        klok[0] = 31.0
        await verbinding.verwerker.verwerk(record)  # answered: one more line may pass

    regels = [r for r in logs if r["event"] == "back-office unavailable"]
    assert len(regels) == 1
    assert regels[0]["suppressed"] == 0


def test_a_server_error_is_not_retried_for_ever():
    assert not issubclass(BackofficeFout, ConnectionError)
    assert Herhaalbeleid().fout_pogingen == 5
    wacht = sum(Herhaalbeleid().wachttijd(n) for n in range(1, Herhaalbeleid().fout_pogingen))
    assert wacht < 60
