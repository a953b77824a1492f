"""Invitations and repayment requests to installed agencies (``hub.service.deelname``), with a
unit of work in memory.

What it must do: an escalation that invites an installed agency (whose key the hub has) queues one
invitation instruction on that agency's own instruction topic, BSNs sealed for it alone, in the
transaction of the escalation; an organisation that is no connected agency gets none (API path).
A repayment request to a responsible agency does the same. The agency's answer (received /
accepted with its reference, or refused with a reason code) is recorded on the request, once
(idempotent on the event id), audited with the agency as actor; an answer of the other kind is
refused.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from hub.domain.verzoek import VerzoekSoort, VerzoekStatus
from hub.service import deelname
from hub.service import escalatie as escalatie_service
from hub.service import overbrugging as overbrugging_service
from hub.service.antwoorden import AntwoordAfgewezen, verwerk_antwoord
from hub.service.commands import (
    BoekVoorfinanciering,
    KenOverbruggingToe,
    VraagOverbruggingAan,
    WijsVerantwoordelijkeAan,
)
from hub.service.escalatie_commands import PlanOverleg
from schemas import make_event
from schemas.escalatie import (
    EscalatieUitnodigingGeweigerd,
    EscalatieUitnodigingInstructie,
    EscalatieUitnodigingOntvangen,
)
from schemas.gedeeld import Weigeringsreden
from schemas.organisaties import LET, UITVOERDERS, Uitvoerder
from schemas.overbrugging import TerugbetalingsverzoekAanvaard, TerugbetalingsverzoekInstructie
from schemas.topics import instructie_topic, opschorting_antwoord_topic
from tests.support.loket import LOKET_DOOR
from tests.support.overbrugging import aanvraag_body, betaling_body, toekenning_body
from tests.support.register import ingeschreven
from tests.unit.hub.fakes import fake_deps
from tests.unit.hub.test_escalatie_service import BSN, escaleer
from tests.unit.hub.test_overbrugging_service import open_casus

CJIB = UITVOERDERS[Uitvoerder.CJIB]
LET_DOOR = f"urn:nld:oin:{LET.oin}"


@pytest.fixture
def deps(tmp_path, klok):
    """Only the CJIB's key is there: the Belastingdienst and DUO are not connected."""
    return fake_deps(tmp_path, klok, agencies=("cjib",))


async def verzoek_van(uow, instructie_id: str):
    async with uow() as u:
        return await u.verzoeken.get(instructie_id)


def instructies(store, soort):
    return [(t, e) for t, e in store.published if isinstance(e.data, soort)]


def antwoord(instructie, soort, **velden):
    data = soort(
        escalatie_id=instructie.data.escalatie_id,
        casus_id=instructie.data.casus_id,
        uitvoerder=instructie.data.uitvoerder,
        instructie_id=instructie.id,
        beantwoord_op=instructie.time + dt.timedelta(minutes=1),
        **velden,
    )
    return make_event(data, source=CJIB.source, subject=instructie.data.casus_id)


async def test_an_escalation_invites_only_the_connected_agency_sealed_and_pending(uow, deps, store):
    _, escalatie_id = await escaleer(uow, deps)
    [(topic, instructie)] = instructies(store, EscalatieUitnodigingInstructie)
    assert topic == instructie_topic("cjib").name
    data = instructie.data
    assert data.uitvoerder == "cjib" and data.dossierkenmerk == escalatie_id
    assert data.overleg is None and data.gevraagde_rol
    assert BSN not in instructie.model_dump_json()
    assert [p.pseudoniem for p in data.personen]
    e = await escalatie_service.lees_escalatie(
        escalatie_id, uow(), escalatie_service.Lezer(LET.oin, let=True)
    )
    per_oin = await deelname.uitnodigingsinstructies(e, uow(), deps)
    assert list(per_oin) == [CJIB.oin]
    verzoek = per_oin[CJIB.oin]
    assert verzoek.instructie_id == instructie.id and verzoek.status is VerzoekStatus.PENDING
    assert verzoek.soort is VerzoekSoort.UITNODIGING
    assert store.audit[-1].details["instructies"] == {CJIB.oin: instructie.id}
    assert any(v.ontvanger == CJIB.oin for v in store.tables["verwerkingen"].values())


async def test_planning_the_meeting_invites_again_with_its_time_and_place(uow, deps, store, klok):
    _, escalatie_id = await escaleer(uow, deps)
    aanvang = klok() + dt.timedelta(days=3)
    body = PlanOverleg(aanvang=aanvang, duur_minuten=90, locatie="Den Haag")
    await escalatie_service.plan_overleg(escalatie_id, body, uow(), deps, door=LET_DOOR)
    eerste, tweede = (e for _, e in instructies(store, EscalatieUitnodigingInstructie))
    assert tweede.id != eerste.id
    assert tweede.data.overleg is not None and tweede.data.overleg.locatie == "Den Haag"
    assert tweede.data.overleg.aanvang == aanvang


async def test_the_answer_is_recorded_once_and_audited_with_the_agency(uow, deps, store):
    await escaleer(uow, deps)
    [(_, instructie)] = instructies(store, EscalatieUitnodigingInstructie)
    ontvangen = antwoord(instructie, EscalatieUitnodigingOntvangen, referentie="CJIB-UIT-1")
    topic = opschorting_antwoord_topic("cjib").name
    assert (await verwerk_antwoord(ontvangen, uow(), deps, topic=topic)).gewijzigd is True
    assert (await verwerk_antwoord(ontvangen, uow(), deps, topic=topic)).gewijzigd is False
    # a later refusal with another event id does not undo the first answer
    geweigerd = antwoord(
        instructie,
        EscalatieUitnodigingGeweigerd,
        redencode=Weigeringsreden.DATUM_VERSTREKEN,
        reden="OVERLEG_VERSTREKEN: te laat",
    )
    assert (await verwerk_antwoord(geweigerd, uow(), deps, topic=topic)).gewijzigd is False
    verzoek = await verzoek_van(uow, instructie.id)
    assert verzoek.status is VerzoekStatus.CONFIRMED and verzoek.referentie == "CJIB-UIT-1"
    beantwoord = [a for a in store.audit if a.actie == "uitnodiging.beantwoord"]
    assert [(a.actor, a.details["referentie"]) for a in beantwoord] == [(CJIB.source, "CJIB-UIT-1")]


async def test_a_refusal_keeps_its_reason_code(uow, deps, store):
    await escaleer(uow, deps)
    [(_, instructie)] = instructies(store, EscalatieUitnodigingInstructie)
    geweigerd = antwoord(
        instructie,
        EscalatieUitnodigingGeweigerd,
        redencode=Weigeringsreden.ONBEKENDE_PERSOON,
        reden="BETROKKENE_ONBEKEND: geen dossier",
    )
    await verwerk_antwoord(geweigerd, uow(), deps, topic=opschorting_antwoord_topic("cjib").name)
    verzoek = await verzoek_van(uow, instructie.id)
    assert verzoek.status is VerzoekStatus.REFUSED
    assert verzoek.redencode == "onbekende-persoon" and "geen dossier" in (verzoek.reden or "")


async def repayment_to_cjib(uow, deps, klok) -> str:
    """A bridging whose responsible party the LET designates: the CJIB (an installed agency)."""
    await ingeschreven(uow(), CJIB.oin, naam="CJIB")
    casus_id = await open_casus(uow, deps)
    ovb = await overbrugging_service.vraag_aan(
        casus_id, VraagOverbruggingAan(**aanvraag_body()), uow(), deps, door=LOKET_DOOR
    )
    toekenning = KenOverbruggingToe(**toekenning_body(klok.vandaag(), 1_500_000))
    await overbrugging_service.ken_toe(
        ovb, toekenning, uow(), deps, door=LOKET_DOOR, oin=LOKET_DOOR.removeprefix("urn:nld:oin:")
    )
    betaling = BoekVoorfinanciering(**betaling_body(250_000, klok.vandaag(), "BET-1"))
    await overbrugging_service.betaal(ovb, betaling, uow(), deps, door=LOKET_DOOR)
    aanwijzing = WijsVerantwoordelijkeAan(
        verantwoordelijke_oin=CJIB.oin, kader="overig", motivering="Het CJIB is verantwoordelijk"
    )
    await overbrugging_service.wijs_verantwoordelijke_aan(
        ovb, aanwijzing, uow(), deps, door=LET_DOOR
    )
    return ovb


async def test_a_repayment_request_to_an_installed_agency_is_an_instruction_and_its_answer_is_kept(
    uow, deps, store, klok
):
    ovb = await repayment_to_cjib(uow, deps, klok)
    [(topic, instructie)] = instructies(store, TerugbetalingsverzoekInstructie)
    assert topic == instructie_topic("cjib").name
    data = instructie.data
    assert data.overbrugging_id == ovb and data.bedrag.centen == 250_000
    assert data.betalingskenmerk.startswith("OVB-") and BSN not in instructie.model_dump_json()
    aanvaard = make_event(
        TerugbetalingsverzoekAanvaard(
            overbrugging_id=ovb,
            casus_id=data.casus_id,
            verzoek_id=data.verzoek_id,
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=instructie.id,
            beantwoord_op=instructie.time,
            referentie="CJIB-BET-7",
        ),
        source=CJIB.source,
        subject=data.casus_id,
    )
    topic = opschorting_antwoord_topic("cjib").name
    assert (await verwerk_antwoord(aanvaard, uow(), deps, topic=topic)).status == "confirmed"
    per_verzoek = await deelname.terugbetalingsinstructies(ovb, uow())
    verzoek = per_verzoek[data.verzoek_id]
    assert verzoek.status is VerzoekStatus.CONFIRMED and verzoek.referentie == "CJIB-BET-7"
    assert store.audit[-1].actie == "terugbetaling.beantwoord"


async def test_an_answer_of_the_other_kind_is_refused(uow, deps, store):
    await escaleer(uow, deps)
    [(_, instructie)] = instructies(store, EscalatieUitnodigingInstructie)
    vreemd = make_event(
        TerugbetalingsverzoekAanvaard(
            overbrugging_id="ovb-1",
            casus_id=instructie.data.casus_id,
            verzoek_id="v-1",
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=instructie.id,
            beantwoord_op=instructie.time,
            referentie="X",
        ),
        source=CJIB.source,
        subject=instructie.data.casus_id,
    )
    with pytest.raises(AntwoordAfgewezen, match="uitnodiging request"):
        await verwerk_antwoord(vreemd, uow(), deps, topic=opschorting_antwoord_topic("cjib").name)
    verzoek = await verzoek_van(uow, instructie.id)
    assert verzoek.status is VerzoekStatus.PENDING


def test_a_municipality_is_the_gemeente_agency_only_as_the_casuss_woongemeente(deps):
    """One connector serves every municipality and routes by the casus's woongemeente: another
    municipality, or the connector's own OIN, is no agency to instruct (API path)."""
    utrecht, rotterdam = "00000001999999990201", "00000001999999990202"
    casus = SimpleNamespace(woongemeente=utrecht)
    assert deelname.uitvoerder_van(utrecht, casus, deps) == "gemeente"  # type: ignore[arg-type]
    assert deelname.uitvoerder_van(rotterdam, casus, deps) is None  # type: ignore[arg-type]
    eigen = UITVOERDERS[Uitvoerder.GEMEENTE].oin
    assert deelname.uitvoerder_van(eigen, casus, deps) is None  # type: ignore[arg-type]
    assert deelname.uitvoerder_van(CJIB.oin, None, deps) == "cjib"
    # DUO without its key in the hub: not connected, so no instruction
    assert deelname.aangesloten_uitvoerder(CJIB.oin, None, deps) == "cjib"
    assert deelname.aangesloten_uitvoerder(UITVOERDERS[Uitvoerder.DUO].oin, None, deps) is None
