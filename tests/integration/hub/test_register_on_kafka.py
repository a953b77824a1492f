"""On a real broker with mutual TLS and PostgreSQL: an organisation's register entry and its
change reach the compacted register topic keyed by its OIN, where an agency (as itself) reads the
whole entry."""

from __future__ import annotations

import uuid

import pytest

from schemas import parse_event
from schemas.organisaties import DEELNEMERS
from schemas.topics import REGISTER
from tests.api.hub.test_register_api import entry
from tests.integration.hub.test_hub_on_kafka import read_matching
from tests.integration.hub.test_informatie_on_kafka import hub_client
from tests.support.identiteit import client_for
from tests.support.pki import make_pki

pytestmark = pytest.mark.kafka

__all__ = ["hub_client"]  # the fixture, shared with the information tests

UTRECHT = DEELNEMERS[0]


async def test_register_changes_reach_the_compacted_topic_keyed_by_oin(
    hub_client, kafka_bootstrap, tmp_path
):
    team = f"Team {uuid.uuid4().hex[:8]}"
    pki = make_pki(tmp_path / "pki-utrecht")
    async with client_for(hub_client.app, pki.pem(UTRECHT.code)) as utrecht:
        created = await utrecht.put(f"/api/v1/register/{UTRECHT.oin}", json=entry(team=team))
        assert created.status_code == 201, created.text
        changed = await utrecht.put(
            f"/api/v1/register/{UTRECHT.oin}", json=entry(team=team, telefoon="+31 30 555 0999")
        )
        assert changed.status_code == 200, changed.text

    records = await read_matching(
        kafka_bootstrap,
        REGISTER.name,
        UTRECHT.oin,
        2,
        within=30,
        where=lambda record: team.encode() in record.value,
        als="cjib",
    )
    events = [parse_event(record.value) for record in records]
    assert [e.type for e in events] == [
        "nl.maatwerk.register.maatwerkfunctionaris-geregistreerd.v1",
        "nl.maatwerk.register.maatwerkfunctionaris-gewijzigd.v1",
    ]
    assert events[-1].data.telefoon == "+31 30 555 0999" and events[-1].subject == UTRECHT.oin
