"""The check before collecting, with a unit of work in memory: the answer's rules (lifting,
days, scope, refusal) and its processing-log entry; no FastAPI, no database, no broker."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pydantic import ValidationError

from hub.domain.selectie import Lopend
from hub.domain.verwerking import Betrokkene, oin_van_door
from hub.domain.verzoek import VerzoekStatus, VorderingUitkomst
from hub.service.antwoorden import verwerk_antwoord
from hub.service.controle import ControleerOpschorting, controleer, in_werking
from hub.service.errors import Ongeldig
from schemas.opschorting import (
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
)
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.versleuteling import generate_private_key, load_public_key, seal
from tests.support.loket import CJIB_DEELS_OPGESCHORT
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps
from tests.unit.hub.test_opschorting_service import BSN, answer, op_topic, order

DAG = dt.date(2026, 12, 1)
CJIB_OIN = UITVOERDERS[Uitvoerder.CJIB].oin


def lopend(start: int, eind: int, opgeheven: int | None = None) -> Lopend:
    return Lopend(
        ingangsdatum=DAG + dt.timedelta(days=start),
        einddatum=DAG + dt.timedelta(days=eind),
        opgeheven_per=None if opgeheven is None else DAG + dt.timedelta(days=opgeheven),
        maatregelen=("beslag",),
        vorderingen=None,
    )


def test_in_force_from_the_first_to_the_last_day():
    assert in_werking([lopend(0, 0)], DAG).in_force
    assert in_werking([lopend(-10, 10)], DAG).perioden[0].einddatum == DAG + dt.timedelta(10)
    assert not in_werking([lopend(1, 10)], DAG).in_force
    assert not in_werking([], DAG).in_force


def test_a_lifting_ends_it_the_day_before_collection_resumes():
    assert not in_werking([lopend(-10, 10, opgeheven=0)], DAG).in_force
    [periode] = in_werking([lopend(-10, 10, opgeheven=3)], DAG).perioden
    assert periode.einddatum == DAG + dt.timedelta(days=2)


def test_only_the_claims_the_agency_confirmed_are_covered_and_a_refused_one_is_named():
    results = (
        VorderingUitkomst("WAHV-2025-000120", True),
        VorderingUitkomst("WAHV-2025-000220", False, "bezwaar-of-beroep", "In beroep"),
    )
    partial = dataclasses.replace(
        lopend(-1, 10), antwoord=VerzoekStatus.PARTIALLY_CONFIRMED, resultaten=results
    )
    controle = in_werking([partial], DAG)
    [periode] = controle.perioden
    assert controle.in_force and periode.vorderingen == ("WAHV-2025-000120",)
    assert periode.resultaten == results
    named = dataclasses.replace(partial, vorderingen=("WAHV-2025-000220", "OTHER"))
    assert in_werking([named], DAG).perioden[0].vorderingen == ()  # only what it suspended
    assert not in_werking([named], DAG).in_force  # nothing in scope was suspended
    pending = in_werking([lopend(-1, 10)], DAG).perioden[0]
    assert (pending.vorderingen, pending.antwoord) == (None, VerzoekStatus.PENDING)


def test_the_question_names_one_person():
    with pytest.raises(ValidationError):
        ControleerOpschorting()
    with pytest.raises(ValidationError):
        ControleerOpschorting(pseudoniem="psn-" + "0" * 32, bsn_versleuteld="v1.a.b.c")
    with pytest.raises(ValidationError):
        ControleerOpschorting(pseudoniem=BSN)


def test_a_person_in_the_log_has_a_pseudonym_or_a_lookup_key():
    with pytest.raises(ValueError):
        Betrokkene()
    assert BSN not in repr(Betrokkene(pseudoniem="psn-1", bsn_zoeksleutel="k"))
    assert oin_van_door(f"urn:nld:oin:{CJIB_OIN}") == CJIB_OIN


@pytest.fixture
def klok() -> Klok:
    return Klok(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def deps(tmp_path, klok):
    from simulators import AGENCIES

    return fake_deps(tmp_path, klok, AGENCIES)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)


async def ask(uow, deps, uitvoerder: str = "cjib", **vraag):
    return await controleer(
        ControleerOpschorting(**vraag),
        uow(),
        deps,
        uitvoerder=uitvoerder,
        oin=UITVOERDERS[Uitvoerder(uitvoerder)].oin,
        trace_id=None,
    )


async def test_a_sealed_bsn_finds_the_time_out_and_the_check_is_logged_committed(uow, deps, store):
    await order(uow, deps, "cjib")
    sealed = seal(BSN, load_public_key(deps.secrets.publieke_bsn_sleutel))
    commits = store.commits
    controle = await ask(uow, deps, bsn_versleuteld=sealed)
    assert controle.in_force
    assert store.commits == commits + 1
    [check] = [v for v in store.tables["verwerkingen"].values() if v.doel == "controle-opschorting"]
    assert check.vrager == CJIB_OIN and check.uitkomst == "in-force"
    assert check.betrokkenen[0].bsn_zoeksleutel == deps.secrets.zoeksleutel(BSN)
    assert BSN not in repr(check)


async def test_a_seal_the_hub_cannot_open_is_invalid_and_names_the_field(uow, deps, store):
    someone_else = generate_private_key().public_key()
    with pytest.raises(Ongeldig) as info:
        await ask(uow, deps, bsn_versleuteld=seal(BSN, someone_else))
    assert info.value.field == "bsn_versleuteld"
    not_a_bsn = seal("123456789", load_public_key(deps.secrets.publieke_bsn_sleutel))
    with pytest.raises(Ongeldig) as info:
        await ask(uow, deps, bsn_versleuteld=not_a_bsn)
    assert info.value.field == "bsn_versleuteld" and "123456789" not in info.value.message
    assert "verwerkingen" not in store.tables  # nothing answered, nothing logged


async def test_an_agency_that_refused_or_is_out_of_scope_hears_no(uow, deps, store):
    casus_id, opschorting_id = await order(uow, deps, "cjib", "duo")
    [lid] = store.tables["casussen"][casus_id].leden
    refusal = answer(
        store,
        opschorting_id,
        "duo",
        OpschortingGeweigerd,
        redencode=Redencode.BEZWAAR_OF_BEROEP,
        reden="alle zaken in beroep",
    )
    await verwerk_antwoord(refusal, uow(), deps, topic=op_topic(refusal))
    assert (await ask(uow, deps, "cjib", pseudoniem=lid.pseudoniem)).in_force
    assert not (await ask(uow, deps, "duo", pseudoniem=lid.pseudoniem)).in_force
    assert not (await ask(uow, deps, "belastingdienst", pseudoniem=lid.pseudoniem)).in_force


async def test_each_instruction_is_logged_with_the_household_and_the_receiver(uow, deps, store):
    casus_id, _ = await order(uow, deps, "cjib", "duo")
    instructies = list(store.tables["verwerkingen"].values())
    assert {v.ontvanger for v in instructies} == {
        CJIB_OIN,
        UITVOERDERS[Uitvoerder.DUO].oin,
    }
    assert {v.doel for v in instructies} == {"opschorting-instructie"}
    assert all(v.casus_id == casus_id and len(v.betrokkenen) == 1 for v in instructies)


async def test_a_claim_the_agency_refused_in_a_partial_confirmation_is_not_in_scope(
    uow, deps, store
):
    """The CJIB suspends WAHV-2025-000120 but not WAHV-2025-000220 (under appeal): its check
    lists only the first as covered, and the second as refused with its reason."""
    casus_id, opschorting_id = await order(uow, deps, "cjib")
    [lid] = store.tables["casussen"][casus_id].leden
    partial = answer(
        store,
        opschorting_id,
        "cjib",
        OpschortingDeelsBevestigd,
        referentie="CJIB-OPS-1",
        vorderingen=CJIB_DEELS_OPGESCHORT,
    )
    await verwerk_antwoord(partial, uow(), deps, topic=op_topic(partial))
    start = store.tables["opschortingen"][opschorting_id].ingangsdatum
    controle = await ask(uow, deps, "cjib", pseudoniem=lid.pseudoniem, peildatum=start)
    [periode] = controle.perioden
    assert controle.in_force and periode.antwoord is VerzoekStatus.PARTIALLY_CONFIRMED
    assert periode.vorderingen == ("WAHV-2025-000120",)
    refused = {r.vordering: r for r in periode.resultaten if not r.opgeschort}
    assert list(refused) == ["WAHV-2025-000220"]
    assert refused["WAHV-2025-000220"].redencode == "bezwaar-of-beroep"
