"""The time-out's handlers with a unit of work in memory: no FastAPI, no database, no broker."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.bootstrap import ANTWOORD_ROUTES
from hub.service.antwoorden import AntwoordAfgewezen, verwerk_antwoord
from hub.service.casus import dien_casus_in
from hub.service.commands import (
    DienCasusIn,
    DraagOpschortingOp,
    HefOpschortingOp,
    VerlengOpschorting,
)
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.opschorting import draag_opschorting_op, lees_opschorting
from hub.service.wijziging import hef_opschorting_op, verleng_opschorting, verloop_opschortingen
from schemas import make_event
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingGeweigerd,
    OpschortingInstructie,
    OpschortingOpgedragen,
    OpschortingVerlengingInstructie,
    OpschortingVerlopen,
    Redencode,
)
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import (
    LEGACY_DEAD_LETTER,
    OPSCHORTING,
    instructie_topic,
    opschorting_antwoord_topic,
)
from simulators import AGENCIES
from tests.support.loket import LOKET_DOOR, WOONGEMEENTE_OIN, casus_body, opschorting_body
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps

BSN = "999990019"


@pytest.fixture
def klok() -> Klok:
    return Klok(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def deps(tmp_path, klok):
    return fake_deps(tmp_path, klok, AGENCIES)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)


async def order(uow, deps, *agencies: str) -> tuple[str, str]:
    agencies = agencies or AGENCIES
    casus_id = await dien_casus_in(DienCasusIn(**casus_body(BSN)), uow(), deps, door=LOKET_DOOR)
    cmd = DraagOpschortingOp(**opschorting_body(*agencies, start=deps.clock.vandaag()))
    return casus_id, await draag_opschorting_op(casus_id, cmd, uow(), deps, door=LOKET_DOOR)


def answer(store, opschorting_id: str, agency: str, data_type=OpschortingBevestigd, **extra):
    """The agency's answer to its instruction of the order."""
    instructie = next(
        e
        for _, e in store.published
        if isinstance(e.data, OpschortingInstructie)
        and e.data.opschorting_id == opschorting_id
        and e.data.uitvoerder.value == agency
    )
    fields = {"referentie": f"{agency}-1"} if data_type is OpschortingBevestigd else {}
    data = data_type(
        opschorting_id=opschorting_id,
        casus_id=instructie.data.casus_id,
        uitvoerder=Uitvoerder(agency),
        instructie_id=instructie.id,
        beantwoord_op=instructie.time + dt.timedelta(minutes=1),
        # who answered: for gemeente the municipality the instruction named
        **{"gemeente": instructie.data.gemeente, **fields, **extra},
    )
    return make_event(
        data, source=UITVOERDERS[Uitvoerder(agency)].source, subject=instructie.data.casus_id
    )


def op_topic(event) -> str:
    """The topic the answer's agency writes (and no one else may): where the hub reads it."""
    return opschorting_antwoord_topic(event.data.uitvoerder).name


async def test_an_order_queues_the_record_and_one_sealed_instruction_per_agency(uow, deps, store):
    casus_id, opschorting_id = await order(uow, deps)
    topics = [t for t, _ in store.published]
    assert topics[1:] == [
        OPSCHORTING.name,
        *(instructie_topic(a).name for a in AGENCIES),
    ]
    recorded = store.published[1][1]
    assert isinstance(recorded.data, OpschortingOpgedragen) and recorded.subject == casus_id
    instructies = [e for _, e in store.published[2:]]
    assert all(BSN not in e.model_dump_json() for e in instructies)
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert [v.instructie_id for v in opschorting.keten] == [e.id for e in instructies]
    assert store.audit[-1].actie == "opschorting.opgedragen"
    assert store.audit[-1].actor == LOKET_DOOR


async def test_an_order_on_an_unknown_casus_or_an_unconnected_agency_changes_nothing(
    uow, deps, store, tmp_path, klok
):
    cmd = DraagOpschortingOp(**opschorting_body("cjib", start=deps.clock.vandaag()))
    with pytest.raises(NietGevonden):
        await draag_opschorting_op("MWL-2026-0000000000", cmd, uow(), deps, door=LOKET_DOOR)
    casus_id = await dien_casus_in(DienCasusIn(**casus_body(BSN)), uow(), deps, door=LOKET_DOOR)
    before = len(store.published)
    (tmp_path / "zonder-ind").mkdir()
    zonder_ind = fake_deps(tmp_path / "zonder-ind", klok, [a for a in AGENCIES if a != "ind"])
    with pytest.raises(Ongeldig) as info:
        await draag_opschorting_op(
            casus_id,
            DraagOpschortingOp(**opschorting_body("ind", start=deps.clock.vandaag())),
            FakeUnitOfWork(store, zonder_ind),
            zonder_ind,
            door=LOKET_DOOR,
        )
    assert info.value.field == "uitvoerders.0.uitvoerder"
    assert "not connected" in str(info.value)
    with pytest.raises(Ongeldig) as info:
        await draag_opschorting_op(
            casus_id,
            DraagOpschortingOp(**opschorting_body("cjib", start=deps.clock.vandaag(), days=-1)),
            uow(),
            deps,
            door=LOKET_DOOR,
        )
    assert info.value.field == "einddatum"
    assert len(store.published) == before


async def test_answers_complete_the_chain_once_each(uow, deps, store, klok):
    _, opschorting_id = await order(uow, deps)
    first = answer(store, opschorting_id, "cjib")
    klok.verzet(seconds=5)
    result = await verwerk_antwoord(first, uow(), deps, topic=op_topic(first))
    assert (result.uitvoerder, result.status, result.gewijzigd) == ("cjib", "confirmed", True)
    assert (
        await verwerk_antwoord(first, uow(), deps, topic=op_topic(first))
    ).gewijzigd is False  # same event id
    anderen = [a for a in AGENCIES if a != "cjib"]
    for agency in anderen:
        antwoord = answer(store, opschorting_id, agency)
        await verwerk_antwoord(antwoord, uow(), deps, topic=op_topic(antwoord))
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert opschorting.status.value == "confirmed"
    assert opschorting.verzoek_van("cjib").verwerkt_op == klok.now
    assert [e.actie for e in store.audit][-len(AGENCIES) :] == ["opschorting.confirmed"] * len(
        AGENCIES
    )
    assert store.audit[-1].actor == UITVOERDERS[Uitvoerder(anderen[-1])].source


async def test_a_refusal_keeps_the_reason_and_makes_the_chain_incomplete(uow, deps, store):
    _, opschorting_id = await order(uow, deps, "cjib")
    refusal = answer(
        store,
        opschorting_id,
        "cjib",
        OpschortingGeweigerd,
        redencode=Redencode.BEZWAAR_OF_BEROEP,
        reden="alle zaken in beroep",
    )
    await verwerk_antwoord(refusal, uow(), deps, topic=op_topic(refusal))
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert opschorting.status.value == "incomplete"
    assert opschorting.verzoek_van("cjib").redencode == "bezwaar-of-beroep"


async def test_answers_that_cannot_belong_to_a_request_are_refused_and_change_nothing(
    uow, deps, store
):
    _, opschorting_id = await order(uow, deps)
    good = answer(store, opschorting_id, "cjib")
    forged = good.model_copy(update={"source": UITVOERDERS[Uitvoerder.DUO].source})
    with pytest.raises(AntwoordAfgewezen, match="source"):
        await verwerk_antwoord(forged, uow(), deps, topic=op_topic(forged))
    wrong_agency_data = good.data.model_copy(update={"uitvoerder": Uitvoerder.DUO})
    wrong_agency = make_event(
        wrong_agency_data, source=UITVOERDERS[Uitvoerder.DUO].source, subject=good.subject
    )
    with pytest.raises(AntwoordAfgewezen, match="was for cjib"):
        await verwerk_antwoord(wrong_agency, uow(), deps, topic=op_topic(wrong_agency))
    unknown = make_event(
        good.data.model_copy(update={"instructie_id": "nope"}),
        source=good.source,
        subject=good.subject,
    )
    with pytest.raises(AntwoordAfgewezen, match="unknown instruction"):
        await verwerk_antwoord(unknown, uow(), deps, topic=op_topic(unknown))
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert opschorting.verzoek_van("cjib").status.value == "pending"
    assert store.processed == {}


async def test_an_answer_counts_only_on_the_answer_topic_of_the_agency_it_speaks_for(
    uow, deps, store
):
    """The broker lets only DUO write DUO's answer topic: an answer there that speaks for CJIB was
    written by DUO (or a thief of DUO's key), whatever its source says. It is refused first, before
    the source, the casus or the request are looked at."""
    _, opschorting_id = await order(uow, deps)
    good = answer(store, opschorting_id, "cjib")
    with pytest.raises(AntwoordAfgewezen, match="carries the answers of duo, not of cjib"):
        await verwerk_antwoord(good, uow(), deps, topic=opschorting_antwoord_topic("duo").name)
    forged = good.model_copy(update={"source": UITVOERDERS[Uitvoerder.DUO].source})
    with pytest.raises(AntwoordAfgewezen, match=r"^topic: "):
        await verwerk_antwoord(forged, uow(), deps, topic=opschorting_antwoord_topic("duo").name)
    # CJIB's instruction topic is for CJIB, but the hub writes it: no CJIB answer can come there.
    with pytest.raises(AntwoordAfgewezen, match="carries the answers of hub, not of cjib"):
        await verwerk_antwoord(good, uow(), deps, topic=instructie_topic("cjib").name)
    for elders in ("maatwerk.opschorting.antwoord.v1", LEGACY_DEAD_LETTER.name, "x"):
        with pytest.raises(AntwoordAfgewezen, match="carries the answers of no agency"):
            await verwerk_antwoord(good, uow(), deps, topic=elders)
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert opschorting.verzoek_van("cjib").status.value == "pending"
    assert store.processed == {}
    assert (await verwerk_antwoord(good, uow(), deps, topic=op_topic(good))).gewijzigd is True


async def test_every_answer_type_has_a_route_and_topic(uow, deps):
    assert set(ANTWOORD_ROUTES) == {
        OpschortingBevestigd.event_type,
        "nl.maatwerk.opschorting.deels-bevestigd.v1",
        OpschortingGeweigerd.event_type,
        "nl.maatwerk.aflevering.mislukt.v1",
        "nl.maatwerk.informatie.verstrekt.v1",
        "nl.maatwerk.informatie.geweigerd.v1",
        "nl.maatwerk.escalatie.uitnodiging-ontvangen.v1",
        "nl.maatwerk.escalatie.uitnodiging-geweigerd.v1",
        "nl.maatwerk.overbrugging.terugbetalingsverzoek-aanvaard.v1",
        "nl.maatwerk.overbrugging.terugbetalingsverzoek-geweigerd.v1",
    }


async def test_an_extension_goes_to_every_agency_that_did_not_refuse(uow, deps, store, klok):
    _, opschorting_id = await order(uow, deps, "cjib", "duo")
    bevestiging = answer(store, opschorting_id, "cjib")
    await verwerk_antwoord(bevestiging, uow(), deps, topic=op_topic(bevestiging))
    refusal = answer(
        store,
        opschorting_id,
        "duo",
        OpschortingGeweigerd,
        redencode=Redencode.TERMIJN_ONGELDIG,
        reden="x",
    )
    await verwerk_antwoord(refusal, uow(), deps, topic=op_topic(refusal))
    before = len(store.published)
    later = klok.vandaag() + dt.timedelta(days=365)
    cmd = VerlengOpschorting(einddatum=later, reden="meer tijd")
    await verleng_opschorting(opschorting_id, cmd, uow(), deps, door=LOKET_DOOR)
    nieuw = store.published[before:]
    assert [t for t, _ in nieuw] == [OPSCHORTING.name, instructie_topic("cjib").name]
    instructie = nieuw[1][1].data
    assert isinstance(instructie, OpschortingVerlengingInstructie)
    assert instructie.referentie == "cjib-1" and instructie.periode.einddatum == later
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert opschorting.einddatum == later
    assert [v.instructie_id for v in opschorting.wijzigingen[0].keten] == [nieuw[1][1].id]


async def test_a_lifted_time_out_takes_no_change_and_a_short_extension_names_its_field(
    uow, deps, store, klok
):
    _, opschorting_id = await order(uow, deps, "cjib")
    with pytest.raises(Ongeldig) as info:
        await verleng_opschorting(
            opschorting_id,
            VerlengOpschorting(einddatum=klok.vandaag() + dt.timedelta(days=1), reden="r"),
            uow(),
            deps,
            door=LOKET_DOOR,
        )
    assert info.value.field == "einddatum"
    await hef_opschorting_op(
        opschorting_id, HefOpschortingOp(reden="klaar"), uow(), deps, door=LOKET_DOOR
    )
    before = len(store.published)
    with pytest.raises(Conflict):
        await hef_opschorting_op(
            opschorting_id, HefOpschortingOp(reden="nog eens"), uow(), deps, door=LOKET_DOOR
        )
    assert len(store.published) == before


async def test_expiry_is_recorded_once_by_the_hub(uow, deps, store, klok):
    _, opschorting_id = await order(uow, deps, "cjib")
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    klok.now = dt.datetime.combine(
        opschorting.einddatum + dt.timedelta(days=1), dt.time(0, 30), tzinfo=dt.UTC
    )
    assert await verloop_opschortingen(uow(), deps) == [opschorting_id]
    assert await verloop_opschortingen(uow(), deps) == []
    verlopen = [e for _, e in store.published if isinstance(e.data, OpschortingVerlopen)]
    assert len(verlopen) == 1 and verlopen[0].time == klok.now
    assert store.audit[-1].actor == "hub" and store.audit[-1].actie == "opschorting.verlopen"


async def test_a_failed_handler_leaves_nothing_behind(uow, deps, store):
    """Rolled back: a unit of work left without commit writes no message and no audit entry."""
    casus_id = await dien_casus_in(DienCasusIn(**casus_body(BSN)), uow(), deps, door=LOKET_DOOR)
    before = (len(store.published), len(store.audit), store.commits)
    with pytest.raises(Ongeldig):
        await draag_opschorting_op(
            casus_id,
            DraagOpschortingOp(**opschorting_body("cjib", start=deps.clock.vandaag(), days=-1)),
            uow(),
            deps,
            door=LOKET_DOOR,
        )
    assert (len(store.published), len(store.audit), store.commits) == before


async def test_the_gemeente_instruction_names_the_woongemeente_and_only_it_may_answer(
    uow, deps, store
):
    _, opschorting_id = await order(uow, deps, "gemeente", "cjib")
    instructies = {
        e.data.uitvoerder.value: e.data
        for _, e in store.published
        if isinstance(e.data, OpschortingInstructie)
    }
    assert instructies["gemeente"].gemeente == WOONGEMEENTE_OIN
    assert instructies["cjib"].gemeente is None
    for verkeerd in ("00000001999999990202", None):
        elders = answer(store, opschorting_id, "gemeente", gemeente=verkeerd)
        with pytest.raises(AntwoordAfgewezen, match=r"^gemeente: "):
            await verwerk_antwoord(elders, uow(), deps, topic=op_topic(elders))
    cjib = answer(store, opschorting_id, "cjib", gemeente=WOONGEMEENTE_OIN)
    with pytest.raises(AntwoordAfgewezen, match="went to none"):
        await verwerk_antwoord(cjib, uow(), deps, topic=op_topic(cjib))
    goed = answer(store, opschorting_id, "gemeente")
    assert (await verwerk_antwoord(goed, uow(), deps, topic=op_topic(goed))).gewijzigd


async def test_without_a_woongemeente_no_time_out_goes_to_gemeente(uow, deps, store):
    zonder = {k: v for k, v in casus_body(BSN).items() if k != "woongemeente"}
    casus_id = await dien_casus_in(DienCasusIn(**zonder), uow(), deps, door=LOKET_DOOR)
    before = len(store.published)
    cmd = DraagOpschortingOp(**opschorting_body("cjib", "gemeente", start=deps.clock.vandaag()))
    with pytest.raises(Ongeldig, match="woongemeente") as info:
        await draag_opschorting_op(casus_id, cmd, uow(), deps, door=LOKET_DOOR)
    assert info.value.field == "uitvoerders.1.uitvoerder"
    assert len(store.published) == before
