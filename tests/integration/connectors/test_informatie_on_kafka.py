"""Information requests on a real broker: for each agency a request for test person 999990019 and
one for the protected 999990111, on the agency's own request topic, through its connector (its own
certificate and ACLs) to its simulator as a process, answered on its own answer topic with the
content sealed for the receiver. Answers are matched by the request's event id (the broker is
shared across tests)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from connectors.base.koppeling import laad_koppeling
from connectors.base.runtime import antwoord_event_id
from connectors.base.sleutels import laad_private_key
from schemas import CloudEvent
from schemas.informatie import Gegevenscategorie, VorderingInhoud
from schemas.topics import informatie_antwoord_topic, informatie_verzoek_topic
from schemas.versleuteling import generate_private_key, open_sealed
from simulators import AGENCIES
from tests.integration.connectors.steun import connector_in_process, publish, start_simulator
from tests.support.kafka import consume_until
from tests.support.processes import free_port
from tests.unit.connectors.informatieverzoeken import verzoek

pytestmark = pytest.mark.kafka

AANVRAGER = "999990019"
AFGESCHERMD = "999990111"
VERSTREKT = "nl.maatwerk.informatie.verstrekt.v1"
GEWEIGERD = "nl.maatwerk.informatie.geweigerd.v1"
# README, "Seeded claims of the household": 999990019's outstanding amounts in cents.
GESEED = {
    "belastingdienst": {"2024.IB.000101": 184000, "2023.ZVW.000102": 41250},
    "cjib": {"WAHV-2025-000119": 23900, "STRAF-2024-000219": 45000},
    "duo": {"SF-2019-000119": 1845000},
    "uwv": {"TV-WW-2025-000119": 121500},
    "ind": {"IND-LG-2026-000119": 24300},
    "cak": {"BRP-2025-000119": 94500, "EBW-2026-000219": 7600},
    "svb": {"TV-2025-000119": 41250},
    "gemeente": {"BB-0344-2025-000419": 45000},
}


@pytest.fixture(scope="module")
async def backoffices(
    kafka_bootstrap: str, keys_dir: Path, logs: Path
) -> AsyncIterator[dict[str, str]]:
    """Every simulator as a process, each with its connector in this process (reading its
    topics from their current end: requests of other tests are not ours to answer)."""
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
                    connector_in_process(
                        agency, kafka_bootstrap, keys_dir, urls[agency], vanaf_einde=True
                    )
                )
            yield urls
        finally:
            await stack.aclose()
            for simulator in simulators:
                simulator.terminate()


async def _vraag(bootstrap: str, event: CloudEvent[Any]) -> None:
    topic = informatie_verzoek_topic(event.data.verstrekker).name
    await publish(bootstrap, topic, event.to_bytes(), event.subject.encode())


async def _antwoord(bootstrap: str, event: CloudEvent[Any]) -> dict[str, Any]:
    (answer,) = await consume_until(
        bootstrap,
        informatie_antwoord_topic(event.data.verstrekker).name,
        lambda a: a.get("id") == antwoord_event_id(event.id),
        45.0,
    )
    return answer


@pytest.mark.parametrize("agency", AGENCIES)
async def test_a_request_is_answered_with_sealed_claims_and_a_protected_person_is_refused(
    agency: str, backoffices: dict[str, str], kafka_bootstrap: str, keys_dir: Path
):
    publiek = laad_private_key(keys_dir, agency).public_key()
    ontvanger = generate_private_key()
    # the municipality asked, for the connector that serves many (gemeente); None elsewhere
    gemeente = laad_koppeling(agency).proefpersonen.gemeente
    gevraagd = verzoek(
        agency, [AANVRAGER], publiek, ontvanger=ontvanger.public_key(), gemeente=gemeente
    )
    afgeschermd = verzoek(
        agency, [AFGESCHERMD], publiek, ontvanger=ontvanger.public_key(), gemeente=gemeente
    )

    gevraagd_op = dt.datetime.now(dt.UTC)
    await _vraag(kafka_bootstrap, gevraagd)
    answer = await _antwoord(kafka_bootstrap, gevraagd)
    # Published until the connector had the back-office's answer (the answer's time).
    rondgang = dt.datetime.fromisoformat(answer["time"]) - gevraagd_op
    await _vraag(kafka_bootstrap, afgeschermd)
    refusal = await _antwoord(kafka_bootstrap, afgeschermd)

    assert answer["type"] == VERSTREKT
    assert answer["subject"] == gevraagd.subject
    data = answer["data"]
    assert data["verzoek_event_id"] == gevraagd.id
    assert data["verzoek_id"] == gevraagd.data.verzoek_id
    assert data["verstrekker"] == agency
    claims = []
    for g in data["gegevens"]:
        assert g["categorie"] == Gegevenscategorie.VORDERINGEN.value
        assert g["pseudoniem"] == gevraagd.data.personen[0].pseudoniem
        assert not any(ref in g["inhoud"] for ref in GESEED[agency])  # sealed, not in clear
        claims.append(VorderingInhoud.model_validate_json(open_sealed(g["inhoud"], ontvanger)))
    assert {c.referentie: c.openstaand_bedrag_centen for c in claims} == GESEED[agency]
    assert AANVRAGER not in json.dumps(answer)

    assert refusal["type"] == GEWEIGERD
    assert refusal["data"]["redencode"] == "geen-grondslag"
    assert refusal["data"]["verzoek_event_id"] == afgeschermd.id
    assert AFGESCHERMD not in json.dumps(refusal)
    print(f"{agency}: request published to answer made {rondgang.total_seconds() * 1000:.0f} ms")
