"""The deadline watcher end to end, on the real broker, the hub as a process with a short answer
deadline: a chain link the agency leaves unanswered is escalated to that agency's registered
maatwerkfunctionaris on its own signal topic (read with the agency's certificate); a time-out that
ends within the warning period warns the loket (on the time-out topic, with its certificate) and
the agency; and after a restart of the hub neither is signalled again.

No connector runs for the CJIB, so its requests stay pending: that is the late link."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from schemas import InvalidEvent, parse_event
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.signalering import OpschortingAntwoordtermijnVerstreken, OpschortingLooptAf
from schemas.topics import OPSCHORTING, signalering_topic
from schemas.versleuteling import generate_private_key, public_key_pem
from tests.support.kafka import client_kwargs
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import make_pki
from tests.support.stack import hub_client, running_hub

pytestmark = pytest.mark.e2e

BSN = "999990019"
CJIB = UITVOERDERS[Uitvoerder.CJIB].oin
TEAM = "Team Maatwerk CJIB (e2e)"
ENV = {
    # 3.6 s: the CJIB (no connector) is late soon after each order; three or more rounds of the
    # watcher pass before that, in which a repeat of an earlier signal would show.
    "HUB_ANSWER_DEADLINE_HOURS": "0.001",
    "HUB_EXPIRY_CHECK_SECONDS": "1",
    "HUB_EINDE_WAARSCHUWING_DAGEN": "14",
}


async def _register_contact(url: str, pki: Any) -> None:
    """The CJIB enters its maatwerkfunctionaris in the register, with its own certificate."""
    async with hub_client(url, pki, "cjib", timeout=10) as cjib:
        response = await cjib.put(
            f"/api/v1/register/{CJIB}",
            json={
                "organisatie_naam": "Centraal Justitieel Incassobureau",
                "organisatiesoort": "landelijke-uitvoerder",
                "team": TEAM,
                "email": "maatwerk@cjib.example",
                "telefoon": "+31 58 555 0100",
                "mandaat": {
                    "omschrijving": "Opschorten en matigen van inning buiten beleidsregels",
                    "verleend_door": "directeur CJIB",
                    "instrumenten": ["time-out"],
                },
                "domeinen": ["schulden"],
            },
        )
        assert response.status_code == 201, response.text


async def _read(
    topic: str, als: str, group: str, bootstrap: str, enough: Callable[[list[Any]], bool]
) -> list[Any]:
    """Every event on ``topic`` from the start, read as organisation ``als``, until ``enough``
    says so (or 90 s pass)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{group}-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_kwargs(als),
    )
    await consumer.start()
    events: list[Any] = []
    try:
        async with asyncio.timeout(90):
            while not enough(events):
                batch = await consumer.getmany(timeout_ms=500)
                events += [e for rs in batch.values() for r in rs if (e := _ours(r.value))]
    finally:
        await consumer.stop()
    return events


def _ours(value: bytes | None) -> Any:
    """The event, or None for a record this process's contract does not read: the topic is the
    session broker's, and another test may have written an event naming an agency only its
    processes have installed (``test_plugin_agency``), or a hostile record."""
    try:
        return parse_event(value) if value is not None else None
    except InvalidEvent:
        return None


async def _order(client: Any, days: int) -> str:
    casus = await client.post("/api/v1/casussen", json=casus_body(BSN))
    assert casus.status_code == 201, casus.text
    ordered = await client.post(
        f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
        json=opschorting_body("cjib", days=days),
    )
    assert ordered.status_code == 201, ordered.text
    return str(ordered.json()["opschorting_id"])


def _of(events: list[Any], soort: type, opschorting_id: str) -> list[Any]:
    return [
        e for e in events if isinstance(e.data, soort) and e.data.opschorting_id == opschorting_id
    ]


async def test_late_link_escalated_and_near_end_warned_once(kafka_bootstrap, tmp_path):
    root = tmp_path
    (root / "keys").mkdir()
    (root / "keys" / "cjib.pub").write_bytes(public_key_pem(generate_private_key().public_key()))
    pki = make_pki(root / "pki")
    cjib_topic = signalering_topic("cjib").name

    with running_hub(kafka_bootstrap, root, pki, env=ENV) as (url, _process):
        await _register_contact(url, pki)
        async with hub_client(url, pki, timeout=10) as loket:
            lang = await _order(loket, days=90)  # late soon, far from its end
            kort = await _order(loket, days=5)  # late soon, and ending within 14 days

            signalen = await _read(
                cjib_topic,
                "cjib",
                "connector-cjib",
                kafka_bootstrap,
                lambda ev: bool(
                    _of(ev, OpschortingAntwoordtermijnVerstreken, lang)
                    and _of(ev, OpschortingLooptAf, kort)
                ),
            )
            [laat] = _of(signalen, OpschortingAntwoordtermijnVerstreken, lang)
            assert (
                laat.data.uitvoerder == Uitvoerder.CJIB and laat.data.soort.value == "opschorting"
            )
            assert laat.data.contact is not None and laat.data.contact.team == TEAM
            assert laat.data.contact.organisatie_oin == CJIB
            [eigen] = _of(signalen, OpschortingLooptAf, kort)
            assert [p.uitvoerder for p in eigen.data.uitvoerders] == [Uitvoerder.CJIB]
            assert not _of(signalen, OpschortingLooptAf, lang)  # 90 days away: no warning

            chain = (await loket.get(f"/api/v1/opschortingen/{lang}")).json()
            [link] = chain["keten"]
            assert link["late"] is True and link["geescaleerd_op"] is not None
            assert link["contact"]["team"] == TEAM and link["contact_ontbreekt"] is False

        loket_events = await _read(
            OPSCHORTING.name,
            "loket",
            "loket",
            kafka_bootstrap,
            lambda ev: bool(_of(ev, OpschortingLooptAf, kort)),
        )
        [waarschuwing] = _of(loket_events, OpschortingLooptAf, kort)
        assert waarschuwing.data.dagen_resterend == 5
        assert waarschuwing.data.uitvoerders[0].contact.team == TEAM

    # Restarted on the same store: a new time-out near its end is warned of, then escalated
    # rounds later, and the first ones are signalled no more (each round went past them too; a
    # repeat would have been queued before the new one's escalation).
    with running_hub(kafka_bootstrap, root, pki, env=ENV) as (url, _process):
        async with hub_client(url, pki, timeout=10) as loket:
            nieuw = await _order(loket, days=3)
        signalen = await _read(
            cjib_topic,
            "cjib",
            "connector-cjib",
            kafka_bootstrap,
            lambda ev: bool(_of(ev, OpschortingAntwoordtermijnVerstreken, nieuw)),
        )
        loket_events = await _read(
            OPSCHORTING.name,
            "loket",
            "loket",
            kafka_bootstrap,
            lambda ev: bool(_of(ev, OpschortingLooptAf, nieuw)),
        )
    assert len(_of(loket_events, OpschortingLooptAf, kort)) == 1
    assert len(_of(signalen, OpschortingLooptAf, kort)) == 1
    assert len(_of(signalen, OpschortingAntwoordtermijnVerstreken, lang)) == 1
    assert len(_of(signalen, OpschortingAntwoordtermijnVerstreken, kort)) == 1
