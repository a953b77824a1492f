"""Per-casus pseudonyms through the API, and the BSN's lookup key staying inside the hub: in no
answer, on no topic, in no log line (issue 8)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from hub.adapters.orm import LidRow
from hub.adapters.secrets import HubSecrets
from schemas.topics import CASUS, instructie_topic
from tests.api.hub.conftest import wait_for
from tests.support.loket import casus_body, opschorting_body

BSN = "999990019"
API = "/api/v1/casussen"


async def test_one_person_in_two_casussen_is_unlinkable_and_the_lookup_key_never_leaves(
    loket, operator, hub_settings, capsys, caplog
):
    # The hub logs at INFO (``maatwerk-hub serve``). A database driver's DEBUG log shows SQL
    # parameters, stored values included: never on in a deployment, so not checked here.
    caplog.set_level(logging.INFO)
    antwoorden = []
    ids = []
    for _ in range(2):
        response = await loket.post(API, json=casus_body(BSN))
        assert response.status_code == 201, response.text
        antwoorden.append(response.text)
        ids.append(response.json()["casus_id"])
    ordered = await loket.post(f"{API}/{ids[0]}/opschortingen", json=opschorting_body("cjib"))
    assert ordered.status_code == 201, ordered.text
    antwoorden.append(ordered.text)
    for path in (f"{API}/{ids[0]}", f"{API}/{ids[1]}", API, f"{API}/{ids[0]}/audit"):
        response = await loket.get(path)
        assert response.status_code == 200, response.text
        antwoorden.append(response.text)
    outbox = await operator.get("/api/v1/ops/outbox")
    assert outbox.status_code == 200, outbox.text
    antwoorden.append(outbox.text)

    hub = loket.app.state.hub
    secrets = HubSecrets.load(hub_settings.keys_dir)
    sleutel = secrets.zoeksleutel(BSN)
    async with hub.sessions() as session:
        leden = (await session.scalars(select(LidRow).order_by(LidRow.id))).all()
    assert [(lid.casus_id, lid.bsn_zoeksleutel) for lid in leden] == [
        (ids[0], sleutel),
        (ids[1], sleutel),
    ]
    pseudoniemen = [lid.pseudoniem for lid in leden]
    assert pseudoniemen == [secrets.pseudoniem(ids[0], BSN), secrets.pseudoniem(ids[1], BSN)]
    assert pseudoniemen[0] != pseudoniemen[1]

    await wait_for(lambda: len(loket.published.get(CASUS.name, [])) >= 2)
    await wait_for(lambda: loket.published.get(instructie_topic("cjib").name))
    berichten = [body.decode() for bodies in loket.published.values() for body in bodies]
    assert any(pseudoniemen[0] in b for b in berichten)
    logs = capsys.readouterr()
    for tekst in [*antwoorden, *berichten, logs.out, logs.err, caplog.text]:
        assert sleutel not in tekst
        assert BSN not in tekst
    # each casus shows its own pseudonym only
    assert pseudoniemen[1] not in antwoorden[0] and pseudoniemen[0] not in antwoorden[1]
