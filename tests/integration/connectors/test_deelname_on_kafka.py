"""An escalation's invitation and a repayment request on a real broker: published on the agency's
instruction topic as the hub would (BSN sealed for the agency), taken by the agency's connector
(its consumer group starting at the broker's end), sent to its simulated back-office running as a
process, and answered on the agency's answer topic: received / accepted with the back-office's
own reference, or refused with a reason code. A redelivered instruction gets the same reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from connectors.base.sleutels import laad_private_key
from connectors.certificering import instructies
from schemas import make_event
from schemas.organisaties import Uitvoerder
from tests.integration.connectors.steun import (
    answers_to,
    connector_in_process,
    publish_instruction,
    start_simulator,
)
from tests.support.processes import free_port

pytestmark = pytest.mark.kafka

AGENCY = "duo"
BEKEND = "999990019"
ONBEKEND = "999999011"
TERMIJN = dt.timedelta(minutes=5)


@pytest.fixture(scope="module")
async def backoffice(kafka_bootstrap: str, keys_dir: Path, logs: Path) -> AsyncIterator[str]:
    port = free_port()
    simulator = start_simulator(AGENCY, port, logs)
    url = f"http://127.0.0.1:{port}"
    try:
        async with connector_in_process(AGENCY, kafka_bootstrap, keys_dir, url, vanaf_einde=True):
            yield url
    finally:
        simulator.terminate()


async def test_an_invitation_is_received_once_and_one_for_a_past_meeting_refused(
    backoffice: str, kafka_bootstrap: str, keys_dir: Path
):
    publiek = laad_private_key(keys_dir, AGENCY).public_key()
    uitnodiging = instructies.uitnodiging(Uitvoerder(AGENCY), BEKEND, publiek, TERMIJN)
    await publish_instruction(kafka_bootstrap, uitnodiging)
    await publish_instruction(kafka_bootstrap, uitnodiging)  # redelivered
    eerste, tweede = await answers_to(kafka_bootstrap, uitnodiging, count=2)
    assert eerste["type"] == "nl.maatwerk.escalatie.uitnodiging-ontvangen.v1"
    assert eerste["id"] == tweede["id"]  # one answer, delivered twice
    referentie = eerste["data"]["referentie"]
    assert referentie.startswith("DUO-UIT-")
    async with httpx.AsyncClient(base_url=backoffice, timeout=5) as client:
        geregistreerd = (await client.get("/_simulator/deelname")).json()["uitnodigingen"]
    assert list(geregistreerd) == [referentie]

    verleden = uitnodiging.data.model_copy(
        update={
            "overleg": uitnodiging.data.overleg.model_copy(
                update={"aanvang": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}
            )
        }
    )
    te_laat = make_event(verleden, source=uitnodiging.source, subject=verleden.casus_id)
    await publish_instruction(kafka_bootstrap, te_laat)
    (geweigerd,) = await answers_to(kafka_bootstrap, te_laat)
    assert geweigerd["type"] == "nl.maatwerk.escalatie.uitnodiging-geweigerd.v1"
    assert geweigerd["data"]["redencode"] == "datum-verstreken"


async def test_a_repayment_request_is_accepted_and_one_for_an_unknown_person_refused(
    backoffice: str, kafka_bootstrap: str, keys_dir: Path
):
    publiek = laad_private_key(keys_dir, AGENCY).public_key()
    bekend = instructies.terugbetalingsverzoek(Uitvoerder(AGENCY), BEKEND, publiek, TERMIJN)
    onbekend = instructies.terugbetalingsverzoek(Uitvoerder(AGENCY), ONBEKEND, publiek, TERMIJN)
    await publish_instruction(kafka_bootstrap, bekend)
    await publish_instruction(kafka_bootstrap, onbekend)
    (aanvaard,) = await answers_to(kafka_bootstrap, bekend)
    (geweigerd,) = await answers_to(kafka_bootstrap, onbekend)
    assert aanvaard["type"] == "nl.maatwerk.overbrugging.terugbetalingsverzoek-aanvaard.v1"
    assert aanvaard["data"]["referentie"].startswith("DUO-BET-")
    assert aanvaard["data"]["verzoek_id"] == bekend.data.verzoek_id
    assert geweigerd["type"] == "nl.maatwerk.overbrugging.terugbetalingsverzoek-geweigerd.v1"
    assert geweigerd["data"]["redencode"] == "onbekende-persoon"
    async with httpx.AsyncClient(base_url=backoffice, timeout=5) as client:
        [geboekt] = (await client.get("/_simulator/deelname")).json()["terugbetalingen"].values()
    assert geboekt["centen"] == 105_000 and geboekt["sleutel"] == bekend.id
