"""The deadline watcher with a unit of work in memory and the fake clock: late chain links are
escalated to the agency's registered contact, once; a time-out about to end warns the loket and
each agency (its own part only), once per end date; an agency without a registered contact is
signalled with the gap shown, never skipped. Every date comes from the clock given to the hub."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hub.service.antwoorden import verwerk_antwoord
from hub.service.casus import dien_casus_in
from hub.service.commands import DienCasusIn, DraagOpschortingOp, VerlengOpschorting
from hub.service.opschorting import draag_opschorting_op, lees_opschorting
from hub.service.signalering import bewaak_termijnen
from hub.service.wijziging import verleng_opschorting
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.signalering import OpschortingAntwoordtermijnVerstreken, OpschortingLooptAf
from schemas.topics import OPSCHORTING, signalering_topic
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body
from tests.support.register import ingeschreven
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps
from tests.unit.hub.test_opschorting_service import answer, op_topic

BSN = "999990019"
CJIB = UITVOERDERS[Uitvoerder.CJIB].oin


@pytest.fixture
def klok() -> Klok:
    return Klok()


@pytest.fixture
def deps(tmp_path, klok):
    deps = fake_deps(tmp_path, klok, ("cjib", "duo"))
    return dataclasses.replace(
        deps, settings=deps.settings.model_copy(update={"einde_waarschuwing_dagen": 14})
    )


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)


async def _order(uow, deps, *, days: int = 90) -> tuple[str, str]:
    casus_id = await dien_casus_in(DienCasusIn(**casus_body(BSN)), uow(), deps, door=LOKET_DOOR)
    body = opschorting_body("cjib", "duo", start=deps.clock.vandaag(), days=days)
    opschorting_id = await draag_opschorting_op(
        casus_id, DraagOpschortingOp(**body), uow(), deps, door=LOKET_DOOR
    )
    return casus_id, opschorting_id


def _signalen(store, soort) -> list[tuple[str, object]]:
    return [(t, e) for t, e in store.published if isinstance(e.data, soort)]


async def test_a_late_link_is_escalated_once_to_its_registered_contact(uow, deps, store, klok):
    await ingeschreven(uow(), CJIB, naam="CJIB", team="Team Maatwerk CJIB")
    casus_id, opschorting_id = await _order(uow, deps)
    await verwerk_antwoord(
        answer(store, opschorting_id, "duo"),
        uow(),
        deps,
        topic=op_topic(answer(store, opschorting_id, "duo")),
    )

    klok.verzet(hours=deps.settings.answer_deadline_hours - 1)
    assert (await bewaak_termijnen(uow, deps)).geescaleerd == []  # not late yet
    klok.verzet(hours=1, seconds=1)
    ronde = await bewaak_termijnen(uow, deps)
    assert ronde.geescaleerd == [opschorting_id]

    [(topic, event)] = _signalen(store, OpschortingAntwoordtermijnVerstreken)
    assert topic == signalering_topic("cjib").name  # cjib's own topic; duo answered in time
    data = event.data
    assert (data.uitvoerder.value, data.opschorting_id, data.casus_id) == (
        "cjib",
        opschorting_id,
        casus_id,
    )
    assert data.contact is not None and data.contact.team == "Team Maatwerk CJIB"
    assert data.contact.organisatie_oin == CJIB and data.gesignaleerd_op == klok.now
    assert event.subject == casus_id
    [entry] = [e for e in store.audit if e.actie == "opschorting.antwoordtermijn-verstreken"]
    assert entry.actor == "hub" and entry.casus_id == casus_id
    assert entry.details["contact"] == {"organisatie_oin": CJIB, "team": "Team Maatwerk CJIB"}
    assert entry.details["geen_contact"] is False

    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert opschorting.verzoek_van("cjib").geescaleerd_op == klok.now
    assert opschorting.verzoek_van("duo").geescaleerd_op is None

    klok.verzet(hours=5)
    assert (await bewaak_termijnen(uow, deps)).geescaleerd == []
    assert len(_signalen(store, OpschortingAntwoordtermijnVerstreken)) == 1


async def test_an_agency_without_a_registered_contact_is_escalated_with_the_gap_shown(
    uow, deps, store, klok
):
    await _order(uow, deps)
    klok.verzet(hours=deps.settings.answer_deadline_hours, seconds=1)
    await bewaak_termijnen(uow, deps)
    signalen = _signalen(store, OpschortingAntwoordtermijnVerstreken)
    assert sorted(t for t, _ in signalen) == sorted(
        signalering_topic(a).name for a in ("cjib", "duo")
    )
    assert all(e.data.contact is None for _, e in signalen)
    entries = [e for e in store.audit if e.actie == "opschorting.antwoordtermijn-verstreken"]
    assert [e.details["geen_contact"] for e in entries] == [True, True]


async def test_a_late_extension_is_escalated_on_its_own(uow, deps, store, klok):
    await ingeschreven(uow(), CJIB, naam="CJIB")
    _, opschorting_id = await _order(uow, deps)
    for agency in ("cjib", "duo"):
        event = answer(store, opschorting_id, agency)
        await verwerk_antwoord(event, uow(), deps, topic=op_topic(event))
    klok.verzet(days=1)
    nieuw = klok.vandaag() + dt.timedelta(days=120)
    await verleng_opschorting(
        opschorting_id,
        VerlengOpschorting(einddatum=nieuw, reden="Meer tijd"),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    klok.verzet(hours=deps.settings.answer_deadline_hours, seconds=1)
    await bewaak_termijnen(uow, deps)
    signalen = [e.data for _, e in _signalen(store, OpschortingAntwoordtermijnVerstreken)]
    assert {(s.soort.value, s.uitvoerder.value) for s in signalen} == {
        ("verlenging", "cjib"),
        ("verlenging", "duo"),
    }
    assert all(s.keten_id != opschorting_id for s in signalen)


async def test_a_time_out_about_to_end_warns_loket_and_each_agency_once(uow, deps, store, klok):
    await ingeschreven(uow(), CJIB, naam="CJIB", team="Team Maatwerk CJIB")
    casus_id, opschorting_id = await _order(uow, deps, days=30)
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)

    klok.verzet(days=15)  # 15 days to the last day: not yet
    assert (await bewaak_termijnen(uow, deps)).gewaarschuwd == []
    klok.verzet(days=1)
    assert (await bewaak_termijnen(uow, deps)).gewaarschuwd == [opschorting_id]

    signalen = _signalen(store, OpschortingLooptAf)
    assert sorted(t for t, _ in signalen) == sorted(
        [OPSCHORTING.name, signalering_topic("cjib").name, signalering_topic("duo").name]
    )
    loket = next(e.data for t, e in signalen if t == OPSCHORTING.name)
    assert loket.einddatum == opschorting.einddatum and loket.dagen_resterend == 14
    assert {p.uitvoerder.value: p.contact is not None for p in loket.uitvoerders} == {
        "cjib": True,
        "duo": False,
    }
    for agency in ("cjib", "duo"):
        eigen = next(e.data for t, e in signalen if t == signalering_topic(agency).name)
        assert [p.uitvoerder.value for p in eigen.uitvoerders] == [agency]  # no one else's part
    assert len({e.id for _, e in signalen}) == 3
    [entry] = [e for e in store.audit if e.actie == "opschorting.loopt-af"]
    assert entry.casus_id == casus_id and entry.details["zonder_contact"] == ["duo"]

    for _ in range(3):
        klok.verzet(days=1)
        assert (await bewaak_termijnen(uow, deps)).gewaarschuwd == []
    assert len(_signalen(store, OpschortingLooptAf)) == 3


async def test_an_extension_is_warned_of_again_for_its_new_end(uow, deps, store, klok):
    _, opschorting_id = await _order(uow, deps, days=10)
    eerste = (await lees_opschorting(opschorting_id, uow(), deps)).einddatum
    assert (await bewaak_termijnen(uow, deps)).gewaarschuwd == [opschorting_id]
    for agency in ("cjib", "duo"):
        event = answer(store, opschorting_id, agency)
        await verwerk_antwoord(event, uow(), deps, topic=op_topic(event))
    nieuw = klok.vandaag() + dt.timedelta(days=40)
    await verleng_opschorting(
        opschorting_id,
        VerlengOpschorting(einddatum=nieuw, reden="Meer tijd"),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    assert (await bewaak_termijnen(uow, deps)).gewaarschuwd == []
    klok.verzet(days=26)
    assert (await bewaak_termijnen(uow, deps)).gewaarschuwd == [opschorting_id]
    loket = [e.data for t, e in _signalen(store, OpschortingLooptAf) if t == OPSCHORTING.name]
    assert [s.einddatum for s in loket] == [eerste, nieuw]


async def test_a_refused_agency_is_not_warned_and_an_ended_time_out_not_at_all(
    uow, deps, store, klok
):
    from schemas.opschorting import OpschortingGeweigerd, Redencode

    _, opschorting_id = await _order(uow, deps, days=60)
    event = answer(
        store,
        opschorting_id,
        "duo",
        OpschortingGeweigerd,
        redencode=Redencode.ONBEKENDE_PERSOON,
        reden="Onbekend",
    )
    await verwerk_antwoord(event, uow(), deps, topic=op_topic(event))
    klok.verzet(days=50)
    await bewaak_termijnen(uow, deps)
    loket = next(e.data for t, e in _signalen(store, OpschortingLooptAf) if t == OPSCHORTING.name)
    assert [p.uitvoerder.value for p in loket.uitvoerders] == ["cjib"]

    _, tweede = await _order(uow, deps, days=5)
    klok.verzet(days=7)  # past its end: the same round expires it and does not warn of it
    ronde = await bewaak_termijnen(uow, deps)
    assert tweede in ronde.verlopen and tweede not in ronde.gewaarschuwd


def test_the_warning_period_is_a_setting_with_default_14(tmp_path):
    from hub.settings import Settings

    assert Settings(keys_dir=tmp_path).einde_waarschuwing_dagen == 14
    assert Settings(keys_dir=tmp_path, einde_waarschuwing_dagen=3).einde_waarschuwing_dagen == 3


async def test_the_aggregate_signals_once_whoever_asks_again(uow, deps, klok):
    """Two replicas may both list a time-out before either locked it: the second, holding the
    lock after the first committed, finds nothing left to signal on the aggregate itself."""
    from hub.domain.signalering import escaleer, waarschuw_einde

    _, opschorting_id = await _order(uow, deps, days=10)
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    klok.verzet(hours=deps.settings.answer_deadline_hours, seconds=1)
    assert len(escaleer(opschorting, klok.now, {}, door="hub")) == 2
    assert escaleer(opschorting, klok.now, {}, door="hub") == []
    assert waarschuw_einde(opschorting, klok.now, 14, {}, door="hub") is True
    assert waarschuw_einde(opschorting, klok.now, 14, {}, door="hub") is False
    assert len(opschorting.neem_gebeurtenissen()) == 3
