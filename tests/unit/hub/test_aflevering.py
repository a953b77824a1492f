"""Undeliverable: a request whose instruction cannot be delivered shows it at once, with the
reason; an answer that comes later takes its place; a report after an answer changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from hub.domain.verzoek import (
    KetenStatus,
    MisluktAflevering,
    Uitkomst,
    Verzoek,
    VerzoekSoort,
    VerzoekStatus,
    keten_status,
    keten_telling,
)
from hub.service.aflevering import PUBLICATIE_OPGEGEVEN, publicatie_opgegeven
from hub.service.antwoorden import AntwoordAfgewezen, verwerk_antwoord
from hub.service.opschorting import lees_opschorting
from schemas import make_event
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.opschorting import OpschortingInstructie
from schemas.organisaties import UITVOERDERS, Uitvoerder
from simulators import AGENCIES
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps
from tests.unit.hub.test_opschorting_service import answer, op_topic, order

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def klok() -> Klok:
    return Klok(T0)


@pytest.fixture
def deps(tmp_path, klok):
    return fake_deps(tmp_path, klok, AGENCIES)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)


def verzoek(status: VerzoekStatus = VerzoekStatus.PENDING) -> Verzoek:
    return Verzoek(
        instructie_id="i-1",
        soort=VerzoekSoort.OPSCHORTING,
        keten_id="o-1",
        instrument_id="o-1",
        casus_id="MWL-2026-0000000001",
        uitvoerder="cjib",
        reageer_uiterlijk=T0 + dt.timedelta(hours=48),
        status=status,
    )


def melding(code="backoffice-fout", definitief=False, at=T0) -> MisluktAflevering:
    return MisluktAflevering(code, "HTTP 500 on each attempt", definitief, at)


def uitkomst(status=VerzoekStatus.CONFIRMED) -> Uitkomst:
    return Uitkomst("i-1", status, T0 + dt.timedelta(hours=1), referentie="CJIB-1")


def test_a_pending_request_becomes_undeliverable_with_its_reason():
    v = verzoek()
    assert v.meld_onbestelbaar(melding()) is True
    assert v.status is VerzoekStatus.UNDELIVERABLE
    assert v.aflevering == melding()


def test_a_later_report_replaces_the_reason_and_keeps_since_when():
    v = verzoek()
    v.meld_onbestelbaar(melding())
    later = melding("backoffice-afgewezen", True, T0 + dt.timedelta(minutes=5))
    assert v.meld_onbestelbaar(later) is True
    assert v.aflevering == MisluktAflevering(later.redencode, later.toelichting, True, T0)
    assert v.meld_onbestelbaar(later) is False  # the same again changes nothing


@pytest.mark.parametrize(
    "status",
    [VerzoekStatus.CONFIRMED, VerzoekStatus.PARTIALLY_CONFIRMED, VerzoekStatus.REFUSED],
)
def test_a_report_after_an_answer_changes_nothing(status):
    v = verzoek(status)
    assert v.meld_onbestelbaar(melding()) is False
    assert v.status is status and v.aflevering is None


def test_an_answer_replaces_undeliverable():
    v = verzoek()
    v.meld_onbestelbaar(melding(definitief=True))
    assert v.verwerk(uitkomst(), T0 + dt.timedelta(hours=2)) is True
    assert v.status is VerzoekStatus.CONFIRMED and v.aflevering is None
    assert v.referentie == "CJIB-1"


def test_undeliverable_counts_as_unanswered_for_the_chain_and_lateness():
    v = verzoek()
    v.meld_onbestelbaar(melding())
    assert keten_status([VerzoekStatus.CONFIRMED, v.status]) is KetenStatus.PENDING
    assert not v.is_late(T0 + dt.timedelta(hours=47))
    assert v.is_late(T0 + dt.timedelta(hours=49))
    counts = keten_telling([v], T0 + dt.timedelta(hours=49))
    assert counts["undeliverable"] == 1 and counts["pending"] == 0 and counts["late"] == 1


def mislukt(
    opgeslagen: Store, opschorting_id: str, agency: str, *, definitief=False, event_id=None
):
    instructie = next(
        e
        for _, e in opgeslagen.published
        if isinstance(e.data, OpschortingInstructie)
        and e.data.opschorting_id == opschorting_id
        and e.data.uitvoerder.value == agency
    )
    data = AfleveringMislukt(
        casus_id=instructie.data.casus_id,
        uitvoerder=Uitvoerder(agency),
        instructie_id=instructie.id,
        instructie_type=instructie.type,
        redencode=AfleveringReden.BACKOFFICE_FOUT,
        toelichting="HTTP 500 on each of 5 attempts",
        definitief=definitief,
        pogingen=5,
        gemeld_op=T0 + dt.timedelta(minutes=1),
    )
    return make_event(
        data,
        source=UITVOERDERS[Uitvoerder(agency)].source,
        subject=instructie.data.casus_id,
        event_id=event_id or str(uuid.uuid4()),
    )


async def test_a_connectors_report_makes_the_request_undeliverable_and_is_audited(uow, deps, store):
    _, opschorting_id = await order(uow, deps, "cjib", "duo")
    report = mislukt(store, opschorting_id, "cjib", definitief=True)
    result = await verwerk_antwoord(report, uow(), deps, topic=op_topic(report))
    assert (result.gewijzigd, result.status) == (True, "undeliverable")
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    cjib = opschorting.verzoek_van("cjib")
    assert cjib.status is VerzoekStatus.UNDELIVERABLE
    assert cjib.aflevering == MisluktAflevering(
        "backoffice-fout", "HTTP 500 on each of 5 attempts", True, T0 + dt.timedelta(minutes=1)
    )
    assert opschorting.status is KetenStatus.PENDING
    entry = store.audit[-1]
    assert entry.actie == "verzoek.undeliverable" and entry.actor == report.source
    assert entry.details["instructie_id"] == cjib.instructie_id
    assert entry.details["event_id"] == report.id

    # Redelivered: the event id was seen, nothing changes.
    again = await verwerk_antwoord(report, uow(), deps, topic=op_topic(report))
    assert again.gewijzigd is False

    # The real answer comes later (after a replay): it takes the place of undeliverable.
    confirmation = answer(store, opschorting_id, "cjib")
    await verwerk_antwoord(confirmation, uow(), deps, topic=op_topic(confirmation))
    cjib = (await lees_opschorting(opschorting_id, uow(), deps)).verzoek_van("cjib")
    assert cjib.status is VerzoekStatus.CONFIRMED and cjib.aflevering is None

    # A report after the answer changes nothing, and says so in the audit trail.
    late = mislukt(store, opschorting_id, "cjib")
    assert (await verwerk_antwoord(late, uow(), deps, topic=op_topic(late))).gewijzigd is False
    cjib = (await lees_opschorting(opschorting_id, uow(), deps)).verzoek_van("cjib")
    assert cjib.status is VerzoekStatus.CONFIRMED
    assert store.audit[-1].actie == "verzoek.aflevering-genegeerd"


async def test_a_report_gets_every_check_an_answer_gets(uow, deps, store):
    _, opschorting_id = await order(uow, deps, "cjib", "duo")
    report = mislukt(store, opschorting_id, "cjib")
    with pytest.raises(AntwoordAfgewezen, match="carries the answers of duo, not of cjib"):
        await verwerk_antwoord(
            report, uow(), deps, topic=op_topic(mislukt(store, opschorting_id, "duo"))
        )
    forged = make_event(
        report.data, source=UITVOERDERS[Uitvoerder.DUO].source, subject=report.subject
    )
    with pytest.raises(AntwoordAfgewezen, match="may not answer for cjib"):
        await verwerk_antwoord(forged, uow(), deps, topic=op_topic(report))
    unknown = make_event(
        report.data.model_copy(update={"instructie_id": str(uuid.uuid4())}),
        source=report.source,
        subject=report.subject,
    )
    with pytest.raises(AntwoordAfgewezen, match="unknown instruction"):
        await verwerk_antwoord(unknown, uow(), deps, topic=op_topic(report))
    duo_instructie = mislukt(store, opschorting_id, "duo").data.instructie_id
    other = make_event(
        report.data.model_copy(update={"instructie_id": duo_instructie}),
        source=report.source,
        subject=report.subject,
    )
    with pytest.raises(AntwoordAfgewezen, match="was for duo, not cjib"):
        await verwerk_antwoord(other, uow(), deps, topic=op_topic(report))
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    assert {v.status for v in opschorting.keten} == {VerzoekStatus.PENDING}
    assert store.processed == {}


async def test_an_instruction_the_outbox_gave_up_on_makes_its_request_undeliverable(
    uow, deps, store, klok
):
    _, opschorting_id = await order(uow, deps, "cjib", "duo")
    opschorting = await lees_opschorting(opschorting_id, uow(), deps)
    cjib = opschorting.verzoek_van("cjib").instructie_id
    record = next(e.id for _, e in store.published if not isinstance(e.data, OpschortingInstructie))
    changed = await publicatie_opgegeven(
        [(cjib, "MessageSizeTooLargeError"), (record, "MessageSizeTooLargeError")], uow(), deps
    )
    assert changed == 1  # the hub's own record of the order is no request
    link = (await lees_opschorting(opschorting_id, uow(), deps)).verzoek_van("cjib")
    assert link.status is VerzoekStatus.UNDELIVERABLE
    assert link.aflevering is not None
    assert link.aflevering.redencode == PUBLICATIE_OPGEGEVEN
    assert link.aflevering.definitief is True and link.aflevering.sinds == klok.now
    assert "MessageSizeTooLargeError" in link.aflevering.toelichting
    assert store.audit[-1].actie == "verzoek.undeliverable"
    assert store.audit[-1].actor == deps.settings.source
