"""The loket and the operators see an undeliverable request at once: its status and reason in the
time-out, in the ops overview and in the metrics; the answer that comes later replaces it."""

from __future__ import annotations

import datetime as dt
import uuid

from schemas import make_event
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.organisaties import UITVOERDERS, Uitvoerder
from tests.api.hub.test_api import answer_event, order, publish
from tests.api.hub.test_ops import metrics, ops, overzicht, per_agency

__all__ = ["ops"]  # fixture

GEMELD = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def mislukt(chain, agency: str, *, definitief: bool):
    link = next(s for s in chain["keten"] if s["uitvoerder"] == agency)
    data = AfleveringMislukt(
        casus_id=chain["casus_id"],
        uitvoerder=Uitvoerder(agency),
        instructie_id=link["instructie_id"],
        instructie_type="nl.maatwerk.opschorting.instructie.v1",
        redencode=AfleveringReden.BACKOFFICE_FOUT,
        toelichting="HTTP 500 on each of 5 attempts",
        definitief=definitief,
        pogingen=5,
        gemeld_op=GEMELD,
    )
    return make_event(
        data,
        source=UITVOERDERS[Uitvoerder(agency)].source,
        subject=chain["casus_id"],
        event_id=str(uuid.uuid4()),
    )


async def test_an_undeliverable_request_shows_with_its_reason_until_the_answer_comes(ops):
    chain = await order(ops.loket)
    await publish(ops, mislukt(chain, "cjib", definitief=True))

    body = (await ops.loket.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    links = {link["uitvoerder"]: link for link in body["keten"]}
    assert links["cjib"]["status"] == "undeliverable"
    assert links["cjib"]["aflevering"] == {
        "redencode": "backoffice-fout",
        "toelichting": "HTTP 500 on each of 5 attempts",
        "definitief": True,
        "sinds": "2026-12-01T09:30:00Z",
    }
    assert links["duo"]["aflevering"] is None
    assert body["status"] == "pending"  # unanswered
    assert body["telling"]["undeliverable"] == 1

    overview = await overzicht(ops)
    assert overview["verzoeken"]["undeliverable"] == 1
    assert per_agency(overview)["cjib"]["undeliverable"] == 1
    samples = await metrics(ops)
    assert samples[("hub_requests_undeliverable", (("uitvoerder", "cjib"),))] == 1
    assert (
        samples[
            ("hub_answers_processed_total", (("status", "undeliverable"), ("uitvoerder", "cjib")))
        ]
        == 1
    )

    casus = (await ops.loket.get(f"/api/v1/casussen/{chain['casus_id']}")).json()
    [onbestelbaar] = casus["onbestelbaar"]
    assert onbestelbaar["uitvoerder"] == "cjib" and onbestelbaar["soort"] == "opschorting"
    assert onbestelbaar["instrument_id"] == chain["opschorting_id"]
    assert onbestelbaar["aflevering"]["redencode"] == "backoffice-fout"

    audit = (await ops.loket.get(f"/api/v1/casussen/{chain['casus_id']}/audit")).json()
    assert "verzoek.undeliverable" in [entry["actie"] for entry in audit]

    await publish(ops, answer_event(chain, "cjib"))
    body = (await ops.loket.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    cjib = next(link for link in body["keten"] if link["uitvoerder"] == "cjib")
    assert cjib["status"] == "confirmed" and cjib["aflevering"] is None
    assert (await overzicht(ops))["verzoeken"]["undeliverable"] == 0
    casus = (await ops.loket.get(f"/api/v1/casussen/{chain['casus_id']}")).json()
    assert casus["onbestelbaar"] == []
