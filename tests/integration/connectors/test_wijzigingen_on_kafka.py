"""Extension and lifting on a real broker: for each agency an instruction, then its extension
(redelivered), then its lifting, through the agency's connector to its simulator as a process.

The extension carries no ``referentie`` (the connector finds the suspension at the back-office by
the original instruction's id); the lifting carries the reference the agency answered with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from connectors.base.runtime import antwoord_event_id
from tests.integration.connectors.steun import (
    answers_to,
    connector_in_process,
    publish_instruction,
    sealed,
    start_simulator,
    suspensions,
)
from tests.support.processes import free_port
from tests.unit.connectors.berichten import opheffing, verlenging

pytestmark = pytest.mark.kafka

AGENCIES = ("belastingdienst", "cjib", "duo", "uwv", "ind")
CONFIRMED_EVERYWHERE = "999990019"
BEVESTIGD = "nl.maatwerk.opschorting.bevestigd.v1"
GEWEIGERD = "nl.maatwerk.opschorting.geweigerd.v1"


@pytest.fixture(scope="module")
async def backoffices(
    kafka_bootstrap: str, keys_dir: Path, logs: Path
) -> AsyncIterator[dict[str, str]]:
    """The simulators as processes, each with its connector in this process."""
    urls: dict[str, str] = {}
    simulators = []
    async with AsyncExitStack() as stack:
        try:
            for agency in AGENCIES:
                port = free_port()
                simulators.append(start_simulator(agency, port, logs))
                urls[agency] = f"http://127.0.0.1:{port}"
            for agency in AGENCIES:
                await stack.enter_async_context(
                    connector_in_process(agency, kafka_bootstrap, keys_dir, urls[agency])
                )
            yield urls
        finally:
            await stack.aclose()
            for simulator in simulators:
                simulator.terminate()


async def registered(url: str, sleutel: str) -> dict:
    (suspension,) = [s for s in await suspensions(url) if s["sleutel"] == sleutel]
    return suspension


@pytest.mark.parametrize("agency", AGENCIES)
async def test_instruction_extension_and_lifting(
    agency: str, backoffices: dict[str, str], kafka_bootstrap: str, keys_dir: Path
):
    url = backoffices[agency]
    vandaag = dt.date.today()
    origineel = sealed(agency, CONFIRMED_EVERYWHERE, keys_dir, ingang=vandaag, dagen=90)
    await publish_instruction(kafka_bootstrap, origineel)
    (answer,) = await answers_to(kafka_bootstrap, origineel)
    assert answer["type"] == BEVESTIGD
    referentie = answer["data"]["referentie"]

    # The extension, delivered twice (a redelivery): applied once, answered twice with one id.
    verlengd = verlenging(origineel, einddatum=vandaag + dt.timedelta(days=150))
    await publish_instruction(kafka_bootstrap, verlengd)
    await publish_instruction(kafka_bootstrap, verlengd)
    first, second = await answers_to(kafka_bootstrap, verlengd, count=2)
    for a in (first, second):
        assert a["type"] == BEVESTIGD
        assert a["id"] == antwoord_event_id(verlengd.id)
        assert a["subject"] == origineel.subject
        assert a["data"]["instructie_id"] == verlengd.id
        assert a["data"]["opschorting_id"] == origineel.data.opschorting_id
        assert a["data"]["referentie"] == referentie
    na_verlenging = await registered(url, origineel.id)
    assert na_verlenging["referentie"] == referentie
    assert na_verlenging["totEnMet"] == verlengd.data.periode.einddatum.isoformat()
    assert na_verlenging["opgeheven"] is False
    assert [(w["soort"], w["sleutel"]) for w in na_verlenging["wijzigingen"]] == [
        ("verlenging", verlengd.id)
    ]

    # The lifting, with the agency's reference from its first answer.
    per = vandaag + dt.timedelta(days=30)
    opgeheven = opheffing(origineel, opheffingsdatum=per, referentie=referentie)
    await publish_instruction(kafka_bootstrap, opgeheven)
    (a,) = await answers_to(kafka_bootstrap, opgeheven)
    assert a["type"] == BEVESTIGD
    assert a["id"] == antwoord_event_id(opgeheven.id)
    assert a["data"]["instructie_id"] == opgeheven.id
    assert a["data"]["referentie"] == referentie
    na_opheffing = await registered(url, origineel.id)
    assert na_opheffing["opgeheven"] is True
    assert na_opheffing["opgehevenPer"] == per.isoformat()
    assert na_opheffing["totEnMet"] == (per - dt.timedelta(days=1)).isoformat()
    assert [w["soort"] for w in na_opheffing["wijzigingen"]] == ["verlenging", "opheffing"]
    assert CONFIRMED_EVERYWHERE not in str(na_opheffing)


async def test_an_extension_past_twelve_months_is_refused_by_the_belastingdienst(
    backoffices: dict[str, str], kafka_bootstrap: str, keys_dir: Path
):
    url = backoffices["belastingdienst"]
    vandaag = dt.date.today()
    origineel = sealed("belastingdienst", CONFIRMED_EVERYWHERE, keys_dir, ingang=vandaag)
    await publish_instruction(kafka_bootstrap, origineel)
    (answer,) = await answers_to(kafka_bootstrap, origineel)
    te_lang = verlenging(
        origineel,
        einddatum=vandaag + dt.timedelta(days=400),
        referentie=answer["data"]["referentie"],
    )
    await publish_instruction(kafka_bootstrap, te_lang)
    (a,) = await answers_to(kafka_bootstrap, te_lang)
    assert a["type"] == GEWEIGERD
    assert a["data"]["redencode"] == "termijn-ongeldig"
    assert a["data"]["reden"].startswith("TERMIJN_TE_LANG: ")
    assert a["data"]["referentie"] == answer["data"]["referentie"]
    suspension = await registered(url, origineel.id)
    assert suspension["wijzigingen"] == []
    assert suspension["totEnMet"] == origineel.data.periode.einddatum.isoformat()
