"""The register in the store, on SQLite and on a real PostgreSQL: entries and their domains
round-trip, a change replaces the domains, a removal hides the entry, and the search filters,
escapes and pages as the in-memory one does."""

from __future__ import annotations

from sqlalchemy import select

from hub.adapters.orm import OutboxRow
from hub.domain.register import Registerfilter
from hub.domain.selectie import Pagina
from hub.service import register as service
from schemas.gedeeld import Partijsoort
from schemas.topics import REGISTER
from tests.unit.hub.test_register import ANDERE, GEMEENTE, invoer, zelf


async def test_an_entry_round_trips_and_its_message_waits_in_the_outbox_keyed_by_oin(hub):
    await service.schrijf_in(GEMEENTE, invoer(), hub.uow(), zelf())
    entry = await service.lees(GEMEENTE, hub.uow())
    assert entry.gegevens == invoer().gegevens()
    async with hub.sessions() as session:
        [row] = (await session.scalars(select(OutboxRow))).all()
    assert row.topic == REGISTER.name and row.key == GEMEENTE


async def test_a_change_replaces_the_domains_and_a_removal_hides_the_entry(hub):
    await service.schrijf_in(GEMEENTE, invoer(), hub.uow(), zelf())
    await service.schrijf_in(GEMEENTE, invoer(domeinen=["wonen"]), hub.uow(), zelf())
    assert (await service.lees(GEMEENTE, hub.uow())).gegevens.domeinen == ("wonen",)
    zorg = Registerfilter(domeinen=("zorg",))
    assert (await service.zoek(zorg, Pagina(1, 10), hub.uow()))[1] == 0
    await service.verwijder(GEMEENTE, None, hub.uow(), zelf())
    async with hub.uow() as uow:
        assert await uow.register.contacten([GEMEENTE, ANDERE]) == {}
    await service.schrijf_in(GEMEENTE, invoer(), hub.uow(), zelf())
    async with hub.uow() as uow:
        assert set(await uow.register.contacten([GEMEENTE, ANDERE])) == {GEMEENTE}


async def test_search_filters_escapes_and_pages_with_the_total(hub):
    await service.schrijf_in(GEMEENTE, invoer("Gemeente Utrecht"), hub.uow(), zelf())
    await service.schrijf_in(
        ANDERE,
        invoer("Zilveren Kruis", organisatiesoort="zorgverzekeraar", domeinen=["zorg"]),
        hub.uow(),
        zelf(ANDERE),
    )
    page, total = await service.zoek(Registerfilter(), Pagina(2, 1), hub.uow())
    assert total == 2 and [r.organisatie_oin for r in page] == [ANDERE]
    soort = Registerfilter(soorten=(Partijsoort.ZORGVERZEKERAAR,), naam="kruis")
    assert [r.organisatie_oin for r in (await service.zoek(soort, Pagina(1, 5), hub.uow()))[0]] == [
        ANDERE
    ]
    assert (await service.zoek(Registerfilter(naam="_"), Pagina(1, 5), hub.uow()))[1] == 0
    assert (await service.zoek(Registerfilter(naam="maatwerk"), Pagina(1, 5), hub.uow()))[1] == 2
