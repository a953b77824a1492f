"""The Landelijk Maatwerkregister in the service layer: an organisation keeps its own entry, an
operator any; each change is one message on the compacted topic, keyed by the OIN; the search
filters and pages."""

from __future__ import annotations

import pytest

from hub.domain.register import Registerfilter
from hub.domain.selectie import Pagina
from hub.service import register as service
from hub.service.errors import Conflict, NietGevonden, Verboden
from schemas.gedeeld import Partijsoort
from schemas.topics import REGISTER
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps

GEMEENTE = "00000001999999990201"
ANDERE = "00000001999999990202"
BEHEER = "00000001999999990004"


@pytest.fixture
def klok():
    return Klok()


@pytest.fixture
def store():
    return Store()


@pytest.fixture
def uow(store, tmp_path, klok):
    deps = fake_deps(tmp_path, klok)
    return lambda: FakeUnitOfWork(store, deps)


def invoer(naam: str = "Gemeente Utrecht", **changes) -> service.Inschrijving:
    body = {
        "organisatie_naam": naam,
        "organisatiesoort": "gemeente",
        "team": "Team Maatwerk",
        "email": "maatwerk@utrecht.example",
        "telefoon": "+31 30 555 0100",
        "mandaat": {
            "omschrijving": "Afwijken van beleidsregels",
            "verleend_door": "college van burgemeester en wethouders",
            "instrumenten": ["overbrugging"],
            "maximum_bedrag_centen": 500_000,
        },
        "domeinen": ["schulden", "zorg"],
    }
    return service.Inschrijving.model_validate({**body, **changes})


def zelf(oin: str = GEMEENTE) -> service.Wijziger:
    return service.Wijziger(oin, operator=False)


async def test_an_organisation_enters_its_contact_and_the_register_publishes_it_keyed_by_oin(
    uow, store, klok
):
    registratie, nieuw = await service.schrijf_in(GEMEENTE, invoer(), uow(), zelf())
    assert nieuw and registratie.contact.team == "Team Maatwerk"
    [(topic, event)] = store.published
    assert topic == REGISTER.name and event.subject == GEMEENTE
    assert event.type == "nl.maatwerk.register.maatwerkfunctionaris-geregistreerd.v1"
    assert event.data.mandaat.maximum_bedrag.centen == 500_000
    assert [(a.actor, a.actie) for a in store.audit] == [
        (f"urn:nld:oin:{GEMEENTE}", "register.geregistreerd")
    ]
    assert (await service.lees(GEMEENTE, uow())).gegevens.domeinen == ("schulden", "zorg")


async def test_a_change_publishes_the_whole_entry_and_an_unchanged_put_publishes_nothing(
    uow, store
):
    await service.schrijf_in(GEMEENTE, invoer(), uow(), zelf())
    _, nieuw = await service.schrijf_in(GEMEENTE, invoer(team="Team Sociaal"), uow(), zelf())
    await service.schrijf_in(GEMEENTE, invoer(team="Team Sociaal"), uow(), zelf())
    assert not nieuw
    types = [e.type.rsplit(".", 2)[-2] for _, e in store.published]
    assert types == ["maatwerkfunctionaris-geregistreerd", "maatwerkfunctionaris-gewijzigd"]
    gewijzigd = store.published[-1][1].data
    assert gewijzigd.team == "Team Sociaal" and gewijzigd.email == "maatwerk@utrecht.example"
    assert store.audit[-1].details["velden"] == ["team"]


async def test_an_organisation_may_not_change_another_entry_but_an_operator_may(uow, store):
    await service.schrijf_in(GEMEENTE, invoer(), uow(), zelf())
    with pytest.raises(Verboden) as refused:
        await service.schrijf_in(GEMEENTE, invoer(team="Overgenomen"), uow(), zelf(ANDERE))
    assert refused.value.field == "oin"
    with pytest.raises(Verboden):
        await service.verwijder(GEMEENTE, None, uow(), zelf(ANDERE))
    assert (await service.lees(GEMEENTE, uow())).gegevens.team == "Team Maatwerk"
    await service.schrijf_in(
        GEMEENTE, invoer(team="Door beheer"), uow(), service.Wijziger(BEHEER, operator=True)
    )
    assert (await service.lees(GEMEENTE, uow())).gegevens.team == "Door beheer"
    assert store.audit[-1].actor == f"urn:nld:oin:{BEHEER}"


async def test_a_removed_entry_is_gone_from_search_and_lookup_and_can_be_entered_again(uow, store):
    await service.schrijf_in(GEMEENTE, invoer(), uow(), zelf())
    await service.verwijder(GEMEENTE, "team opgeheven", uow(), zelf())
    with pytest.raises(NietGevonden):
        await service.lees(GEMEENTE, uow())
    async with uow() as work:
        assert await work.register.contacten([GEMEENTE]) == {}
    with pytest.raises(Conflict):
        await service.verwijder(GEMEENTE, None, uow(), zelf())
    _, nieuw = await service.schrijf_in(GEMEENTE, invoer(), uow(), zelf())
    assert nieuw
    kinds = [e.type.rsplit(".", 2)[-2] for _, e in store.published]
    assert kinds == [
        "maatwerkfunctionaris-geregistreerd",
        "maatwerkfunctionaris-verwijderd",
        "maatwerkfunctionaris-geregistreerd",
    ]


async def test_search_filters_on_kind_domain_and_name_and_pages_with_the_total(uow):
    await service.schrijf_in(GEMEENTE, invoer("Gemeente Utrecht"), uow(), zelf())
    await service.schrijf_in(
        ANDERE,
        invoer("Zilveren Kruis", organisatiesoort="zorgverzekeraar", domeinen=["zorg"]),
        uow(),
        zelf(ANDERE),
    )
    eerste = Pagina(1, 1)
    assert [
        r.organisatie_oin for r in (await service.zoek(Registerfilter(), eerste, uow()))[0]
    ] == [GEMEENTE]
    assert (await service.zoek(Registerfilter(), eerste, uow()))[1] == 2
    zorg = Registerfilter(domeinen=("zorg",), soorten=(Partijsoort.ZORGVERZEKERAAR,))
    assert [r.organisatie_oin for r in (await service.zoek(zorg, Pagina(1, 10), uow()))[0]] == [
        ANDERE
    ]
    op_naam = Registerfilter(naam="KRUIS")
    assert (await service.zoek(op_naam, Pagina(1, 10), uow()))[1] == 1
    assert (await service.zoek(Registerfilter(naam="%"), Pagina(1, 10), uow()))[1] == 0
