"""The conformance kit's runner, certificate, command and proxy, without a broker."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from rich.console import Console
from typer.testing import CliRunner

import connectors.certificering.kit
import connectors.cli
from connectors.base.koppeling import Proefpersonen, laad_koppeling
from connectors.certificering import NAMEN, Certificaat, Controle, Opstelling, Uitkomst, voer_uit
from connectors.certificering.controles import eigen_topics, geen_bsn, volgens_contract
from connectors.certificering.omgeving import Omgeving
from connectors.certificering.proces import ConnectorProces
from connectors.certificering.proxy import Proxy
from connectors.certificering.verzamelaar import Gelezen, Verzamelaar
from schemas.ids import Bsn

BEGIN = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def _certificaat() -> Certificaat:
    return Certificaat(
        agency="cjib", connector="maatwerk-hub 0.1.0", broker="b:9092", begonnen=BEGIN
    )


def _controle(naam: str, geslaagd: bool, bewijs: str = "evidence") -> Controle:
    async def uitvoeren() -> Uitkomst:
        return Uitkomst(geslaagd, bewijs)

    return Controle(naam=naam, bewijst=f"{naam} holds", uitvoeren=uitvoeren)


async def test_every_check_runs_in_order_even_after_a_failure():
    async def kapot() -> Uitkomst:
        raise ConnectionError("broker gone")

    certificaat = await voer_uit(
        [
            _controle("een", True),
            Controle("twee", "raises", kapot),
            _controle("drie", False, "3 of 4 answered"),
            _controle("vier", True),
        ],
        _certificaat(),
    )

    assert [r.naam for r in certificaat.resultaten] == ["een", "twee", "drie", "vier"]
    assert certificaat.gefaald == ["twee", "drie"]
    assert not certificaat.geslaagd
    assert certificaat.resultaten[1].bewijs == "error: ConnectionError: broker gone"
    assert certificaat.resultaten[2].bewijs == "3 of 4 answered"


async def test_a_certificate_passes_only_when_every_check_passed():
    assert not _certificaat().geslaagd  # no checks run: nothing certified
    certificaat = await voer_uit([_controle("een", True), _controle("twee", True)], _certificaat())
    assert certificaat.geslaagd
    assert certificaat.gefaald == []


async def test_the_json_names_each_check_with_its_outcome_and_evidence():
    certificaat = await voer_uit(
        [_controle("een", True, "ok: 4 answers"), _controle("twee", False, "2 suspensions")],
        _certificaat(),
    )

    body = json.loads(certificaat.als_json())
    assert body["agency"] == "cjib"
    assert body["connector"] == "maatwerk-hub 0.1.0"
    assert body["broker"] == "b:9092"
    assert body["begonnen"] == "2026-12-06T12:00:00+00:00"
    assert body["geslaagd"] is False
    assert [(c["naam"], c["geslaagd"], c["bewijs"]) for c in body["controles"]] == [
        ("een", True, "ok: 4 answers"),
        ("twee", False, "2 suspensions"),
    ]
    assert set(body["controles"][0]) == {"naam", "bewijst", "geslaagd", "bewijs", "seconden"}


async def test_the_table_shows_each_check_and_the_verdict_names_the_failures():
    certificaat = await voer_uit(
        [_controle("answered-within-deadline", True), _controle("no-bsn-in-clear", False)],
        _certificaat(),
    )
    console = Console(record=True, width=160)
    certificaat.print(console)
    tekst = console.export_text()

    assert "answered-within-deadline" in tekst
    assert "passed" in tekst
    assert "FAILED" in tekst
    assert "NOT CERTIFIED: failed no-bsn-in-clear" in tekst


@pytest.mark.parametrize(("geslaagd", "exit_code"), [(True, 0), (False, 1)])
def test_the_command_writes_json_and_exits_non_zero_on_any_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, geslaagd: bool, exit_code: int
):
    gezien: list[Opstelling] = []

    async def certificeer(opstelling: Opstelling) -> Certificaat:
        gezien.append(opstelling)
        return await voer_uit(
            [_controle(n, geslaagd or n != NAMEN[3]) for n in NAMEN], _certificaat()
        )

    # The command imports the kit when it runs (the CLI loads per command): patched there.
    monkeypatch.setattr(connectors.certificering.kit, "certificeer", certificeer)
    uit = tmp_path / "certificate.json"
    result = CliRunner().invoke(
        connectors.cli.app,
        [
            "certify",
            "--agency",
            "cjib",
            "--bootstrap-servers",
            "b:9092",
            "--json",
            str(uit),
            "--keys-dir",
            str(tmp_path),
            "--pki-dir",
            str(tmp_path / "pki"),
            "--termijn",
            "12",
        ],
    )

    assert result.exit_code == exit_code, result.output
    assert json.loads(uit.read_text())["geslaagd"] is geslaagd
    (opstelling,) = gezien
    assert opstelling.koppeling.uitvoerder.value == "cjib"
    assert opstelling.backoffice_url == "http://127.0.0.1:8102"  # the agency's default
    assert opstelling.termijn == dt.timedelta(seconds=12)
    assert opstelling.kit_tls is not None and opstelling.kit_tls.certfile.name == "beheer.pem"
    assert (
        opstelling.connector_tls is not None
        and opstelling.connector_tls.certfile.name == "cjib.pem"
    )
    if not geslaagd:
        assert f"NOT CERTIFIED: failed {NAMEN[3]}" in result.output


def test_the_default_test_persons_are_valid_bsns():
    personen = laad_koppeling("duo").proefpersonen
    assert personen == Proefpersonen()
    for bsn in (personen.bevestigd, personen.geweigerd):
        TypeAdapter(Bsn).validate_python(bsn)  # elfproef


async def _echo(lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter) -> None:
    schrijver.write(await lezer.read(100))
    await schrijver.drain()
    schrijver.close()


async def _vraag(port: int) -> bytes:
    lezer, schrijver = await asyncio.open_connection("127.0.0.1", port)
    schrijver.write(b"ping")
    await schrijver.drain()
    antwoord = await lezer.read(100)
    schrijver.close()
    return antwoord


async def test_the_proxy_passes_traffic_refuses_while_away_and_comes_back_on_its_port():
    doel = await asyncio.start_server(_echo, "127.0.0.1", 0)
    proxy = Proxy("127.0.0.1", doel.sockets[0].getsockname()[1])
    try:
        await proxy.terug()
        port = proxy.port
        assert await _vraag(port) == b"ping"

        await proxy.weg()
        with pytest.raises(OSError):
            await _vraag(port)

        await proxy.terug()
        assert proxy.port == port
        assert await _vraag(port) == b"ping"
    finally:
        await proxy.weg()
        doel.close()
        await doel.wait_closed()


# ---------------------------------------------------- checks 6-8 on what the connector wrote

VOORBEELD = Path(__file__).parents[3] / "schemas/examples/nl.maatwerk.opschorting.bevestigd.v1.json"


def _omgeving(records: list[Gelezen], regels: tuple[str, ...] = ()) -> Omgeving:
    """The run as checks 6 to 8 see it: what was read and what the connector logged."""
    verzamelaar = Verzamelaar("b:9092", {})
    verzamelaar.gelezen.extend(records)
    proces = ConnectorProces([], {})
    proces.regels.extend(regels)
    return Omgeving(
        koppeling=laad_koppeling("cjib"),
        publiek=None,  # type: ignore[arg-type]
        producer=None,  # type: ignore[arg-type]
        verzamelaar=verzamelaar,
        proxy=Proxy("127.0.0.1", 1),
        proces=proces,
        backoffice_url="http://127.0.0.1:1",
        termijn=dt.timedelta(seconds=30),
    )


def _record(topic: str, value: bytes, offset: int = 0) -> Gelezen:
    return Gelezen(topic, 0, offset, 0, b"MWL-2026-0A1B2C3D4E", value, ())


def _antwoord(**wijzig: object) -> bytes:
    event = json.loads(VOORBEELD.read_text())  # the CJIB connector's answer
    event.update(wijzig)
    return json.dumps(event).encode()


async def test_clean_output_passes_checks_6_to_8():
    o = _omgeving(
        [_record("maatwerk.opschorting.antwoord.cjib.v1", _antwoord())],
        ("instruction answered",),
    )
    assert (await geen_bsn(o)).geslaagd
    assert (await volgens_contract(o)).geslaagd
    assert (await eigen_topics(o)).geslaagd


async def test_a_bsn_in_a_record_or_a_log_line_fails_and_is_masked_in_the_evidence():
    o = _omgeving(
        [_record("maatwerk.opschorting.antwoord.cjib.v1", _antwoord(subject="bsn 999990019"), 7)],
        ("delivering for 999999011",),
    )
    uitkomst = await geen_bsn(o)
    assert not uitkomst.geslaagd
    assert "maatwerk.opschorting.antwoord.cjib.v1@0/7" in uitkomst.bewijs
    assert "<BSN 99***11>" in uitkomst.bewijs
    assert "999999011" not in uitkomst.bewijs


async def test_an_answer_that_breaks_the_contract_fails():
    o = _omgeving([_record("maatwerk.opschorting.antwoord.cjib.v1", _antwoord(data={}), 3)])
    uitkomst = await volgens_contract(o)
    assert not uitkomst.geslaagd
    assert "maatwerk.opschorting.antwoord.cjib.v1@3" in uitkomst.bewijs


async def test_a_record_on_a_topic_the_agency_may_not_write_fails():
    o = _omgeving(
        [
            _record("maatwerk.opschorting.antwoord.cjib.v1", _antwoord()),
            _record("maatwerk.opschorting.antwoord.duo.v1", _antwoord(), 1),
        ]
    )
    uitkomst = await eigen_topics(o)
    assert not uitkomst.geslaagd
    assert "NOT allowed: {'maatwerk.opschorting.antwoord.duo.v1': 1}" in uitkomst.bewijs


async def test_records_of_others_are_not_the_connectors():
    andere = _antwoord(source="urn:nld:oin:00000001999999990103:systeem:connector-duo")
    o = _omgeving([_record("maatwerk.opschorting.antwoord.duo.v1", andere)])
    assert o.van_connector() == []


def test_without_a_broker_the_command_says_so_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)  # no .var/pki here: PLAINTEXT
    result = CliRunner().invoke(
        connectors.cli.app,
        ["certify", "--agency", "cjib", "--bootstrap-servers", "127.0.0.1:1"],
    )
    assert result.exit_code == 2, result.output
    assert "cannot certify: KafkaConnectionError" in result.output
