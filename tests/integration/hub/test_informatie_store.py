"""On SQLite and PostgreSQL: an information request and its messages commit together, an answer
is stored sealed with the chain status, the purge deletes content in slices and keeps the fact,
and no table holds a BSN."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, text

from hub.adapters.orm import (
    InformatieGegevenRow,
    InformatieverzoekRow,
    OutboxRow,
)
from hub.domain.afspraak import Doel
from hub.service.afspraken import Gevraagd
from hub.service.antwoorden import verwerk_antwoord
from hub.service.casus import dien_casus_in
from hub.service.commands import DienCasusIn
from hub.service.informatie import Vragen, lees_informatieverzoek, vraag_informatie
from hub.service.retention import purge_expired
from schemas import parse_event
from schemas.gedeeld import Regel
from schemas.informatie import Gegevenscategorie
from schemas.organisaties import Uitvoerder
from schemas.topics import informatie_antwoord_topic, informatie_verzoek_topic
from tests.api.hub.test_informatie_api import ANDER, verstrekt
from tests.integration.hub.test_store import BSN
from tests.support.loket import LOKET_DOOR, casus_body

WAMS = Regel(regeling="Wet aanpak meervoudige problematiek sociaal domein")


async def vraag(hub) -> tuple[str, str]:
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body(BSN, ANDER)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    async with hub.uow() as uow:
        personen = [lid.pseudoniem for lid in await uow.casussen.leden(casus_id)]
    verzoek_id = await vraag_informatie(
        casus_id,
        Vragen(
            doel=Doel.SCHULDENOVERZICHT,
            grondslag=WAMS,
            gevraagd=[Gevraagd(Uitvoerder.CJIB, (Gegevenscategorie.VORDERINGEN,))],
            personen=personen,
        ),
        hub.afspraken,
        hub.uow(),
        hub.deps,
        rol_loket=True,
        uitvoerder=None,
        door=LOKET_DOOR,
    )
    return casus_id, verzoek_id


async def instructies(hub) -> list[OutboxRow]:
    """The CJIB's instructions in the outbox, in the order written."""
    async with hub.sessions() as session:
        return list(
            await session.scalars(
                select(OutboxRow)
                .where(OutboxRow.topic == informatie_verzoek_topic("cjib").name)
                .order_by(OutboxRow.seq)
            )
        )


async def test_request_answer_and_purge_in_the_store(hub):
    nu = dt.datetime.now(dt.UTC)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: nu)
    casus_id, verzoek_id = await vraag(hub)
    rows = await instructies(hub)
    assert len(rows) == 2  # one per person, in the request's transaction
    verzoek = await lees_informatieverzoek(verzoek_id, hub.uow(), verzoeker="loket")
    assert {r.event_id for r in rows} == {v.instructie_id for v in verzoek.keten}

    for row in rows:
        event = parse_event(row.value)
        antwoord = verstrekt(event, [("vorderingen", "a"), ("vorderingen", "b")])
        topic = informatie_antwoord_topic("cjib").name
        assert (await verwerk_antwoord(antwoord, hub.uow(), hub.deps, topic=topic)).gewijzigd
    async with hub.sessions() as session:
        stored = await session.get(InformatieverzoekRow, verzoek_id)
        assert stored is not None and stored.status == "confirmed"
        gegevens = list(await session.scalars(select(InformatieGegevenRow)))
    assert len(gegevens) == 4 and all(g.inhoud and g.inhoud.startswith("v1.") for g in gegevens)

    settings = hub.deps.settings
    later = nu + dt.timedelta(hours=settings.informatie_bewaartermijn_uren, seconds=1)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: later)
    purged = await purge_expired(hub.uow(), hub.deps, slice_size=3)
    assert purged.informatie_inhoud == 4
    verzoek = await lees_informatieverzoek(verzoek_id, hub.uow(), verzoeker="loket")
    gegeven = [g for v in verzoek.vragen for g in v.gegevens]
    assert len(gegeven) == 4
    assert {(g.inhoud, g.verwijderd_op) for g in gegeven} == {(None, later)}
    assert (await purge_expired(hub.uow(), hub.deps)).informatie_inhoud == 0

    async with hub.sessions() as session:
        tables = [
            (await session.execute(text(f"SELECT * FROM {table}"))).all()
            for table in ("informatieverzoek", "informatie_vraag", "informatie_gegeven")
        ]
    assert all(tables) and casus_id in str(tables)
    assert BSN not in str(tables) and ANDER not in str(tables)
