"""HTTPS delivery's store on SQLite and on a real PostgreSQL: the feed written for the live
subscriptions a message is addressed to, the push queue's order per casus (a dead row lets the
next go; a 429 pauses the whole subscription), pull pages, acknowledgement and the purge. The
push worker talks to an in-memory receiver (``httpx.MockTransport``); its HTTPS and signature
are tested end to end in ``tests/api/hub/test_webhook.py``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import httpx

from hub.adapters.aflevering import AbonnementRepository, schrijf_feed
from hub.adapters.orm import AbonnementRow
from hub.service.abonnementen import nieuw_geheim
from schemas import make_event
from schemas.gedeeld import Bedrag, Partij, Partijsoort
from schemas.organisaties import DEELNEMERS, LOKET
from schemas.overbrugging import TerugbetalingGevraagd
from schemas.topics import OVERBRUGGING
from tests.unit.hub.fakes import Klok

UTRECHT, ROTTERDAM = DEELNEMERS[0], DEELNEMERS[1]
TYPE = TerugbetalingGevraagd.event_type


def verzoek(casus_id: str, aan: str = UTRECHT.oin):
    data = TerugbetalingGevraagd(
        overbrugging_id=str(uuid.uuid4()),
        casus_id=casus_id,
        verzoek_id=str(uuid.uuid4()),
        betaler=Partij(oin=aan, naam="Gemeente", soort=Partijsoort.GEMEENTE),
        ontvanger=Partij(oin=LOKET.oin, naam="Loket", soort=Partijsoort.LOKET),
        bedrag=Bedrag(centen=100),
        uiterlijk=dt.date(2026, 12, 31),
        betalingskenmerk="OVB-1",
        gevraagd_op=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    return make_event(data, source=LOKET.source, subject=casus_id)


async def abonnement(hub, oin: str, protocol: str = "https-push", **changes) -> str:
    row = AbonnementRow(
        abonnement_id=str(uuid.uuid4()),
        oin=oin,
        protocol=protocol,
        types=[TYPE],
        endpoint="https://ontvanger.example/hook" if protocol == "https-push" else None,
        geheim=hub.deps.secrets.versleutel_opslag(nieuw_geheim()),
        aangemaakt_op=hub.now(),
        bevestigd_tot=0,
        **changes,
    )
    async with hub.sessions() as session:
        session.add(row)
        await session.commit()
    return row.abonnement_id


async def publiceer(hub, *events) -> int:
    async with hub.sessions() as session:
        count = await schrijf_feed(
            session, [(e, OVERBRUGGING.name) for e in events], hub.now(), oin_van=lambda c: None
        )
        await session.commit()
    return count


async def test_the_feed_goes_to_the_live_subscriptions_of_the_addressee_only(hub):
    klok = Klok()
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    eigen = await abonnement(hub, UTRECHT.oin, "http-pull")
    await abonnement(hub, UTRECHT.oin, "http-pull", beeindigd_op=klok())
    await abonnement(hub, ROTTERDAM.oin, "http-pull")
    a = verzoek("MWL-2026-000000000A")
    assert await publiceer(hub, a, verzoek("MWL-2026-000000000B", ROTTERDAM.oin)) == 2

    async with hub.sessions() as session:
        repo = AbonnementRepository(session)
        [row] = await repo.feed(eigen, 0, 10)
        assert (row.event_id, row.key) == (a.id, a.subject)
        assert await repo.feed(eigen, row.seq, 10) == []
        assert await repo.bevestig(eigen, row.seq, klok()) == row.seq
        assert await repo.bevestig(eigen, 0, klok()) == row.seq  # never backwards
        await session.commit()
        klok.verzet(days=30)
        assert await repo.purge(klok() - dt.timedelta(days=14)) == 2
        await session.commit()


async def test_push_keeps_each_casus_in_order_and_a_dead_row_lets_the_next_go(hub):
    klok = Klok()
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    hub.settings = hub.settings.model_copy(
        update={"webhook_max_attempts": 2, "webhook_backoff_base_seconds": 1}
    )
    await abonnement(hub, UTRECHT.oin)
    a1, a2, b1 = (verzoek(c) for c in ("MWL-2026-000000000A",) * 2 + ("MWL-2026-000000000B",))
    await publiceer(hub, a1, a2, b1)
    gekregen: list[str] = []

    def ontvanger(request: httpx.Request) -> httpx.Response:
        event_id = request.headers["webhook-id"]
        gekregen.append(event_id)
        return httpx.Response(500 if event_id == a1.id else 204)

    bezorger = hub.attach_bezorger(None)
    bezorger._client = httpx.AsyncClient(transport=httpx.MockTransport(ontvanger))
    assert await bezorger.bezorg_once() == 1  # a1 failed, a2 waits behind it, b1 went
    assert gekregen == [a1.id, b1.id]
    assert await bezorger.bezorg_once() == 0  # a1 waits for its next attempt
    klok.verzet(seconds=2)
    assert await bezorger.bezorg_once() == 0  # a1's last attempt: dead
    assert await bezorger.bezorg_once() == 1  # then a2 goes
    assert gekregen == [a1.id, b1.id, a1.id, a2.id]
    async with hub.sessions() as session:
        [(dood, _)] = await AbonnementRepository(session).dood(10)
    assert (dood.event_id, dood.attempts, dood.last_error) == (a1.id, 2, "HTTP 500")
    await bezorger.close()


async def test_a_429_pauses_the_subscription_until_its_retry_after(hub):
    klok = Klok()
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    await abonnement(hub, UTRECHT.oin)
    a1 = verzoek("MWL-2026-000000000A")
    await publiceer(hub, a1)
    antwoorden = [httpx.Response(429, headers={"Retry-After": "120"}), httpx.Response(204)]
    bezorger = hub.attach_bezorger(None)
    bezorger._client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda request: antwoorden.pop(0))
    )
    assert await bezorger.bezorg_once() == 0
    await publiceer(hub, verzoek("MWL-2026-000000000B"))  # written during the pause
    klok.verzet(seconds=119)
    assert await bezorger.bezorg_once() == 0 and len(antwoorden) == 1  # nothing sent
    klok.verzet(seconds=2)
    antwoorden.append(httpx.Response(204))
    assert await bezorger.bezorg_once() == 2
    await bezorger.close()
