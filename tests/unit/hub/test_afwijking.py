"""The deviation (afwijkingsbevoegdheid) with a unit of work in memory: no FastAPI, no database.

What it must do: the decision, its ``afwijking.besloten`` message and its audit entry by the proven
caller commit together; a casus whose status allows no deviation is a Conflict naming the status
and the allowed ones, and nothing is recorded; input the rules refuse names its field.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from hub.bootstrap import INSTRUMENTLIJSTEN
from hub.service import afwijking as service
from hub.service import casus as casus_service
from hub.service.commands import (
    AccepteerCasus,
    DienCasusIn,
    LegAfwijkingVast,
    SluitCasus,
)
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from schemas.afwijking import AfwijkingBesloten
from schemas.topics import AFWIJKING
from tests.support.afwijking import KNELPUNT_ID, afwijking_body
from tests.support.loket import LOKET_DOOR, casus_body
from tests.unit.hub.fakes import Klok

BSN = "999990019"
PARTNER = "999990020"


async def _casus(uow, deps, *, accepteer: bool = True) -> str:
    casus_id = await casus_service.dien_casus_in(
        DienCasusIn(**casus_body(BSN, PARTNER)), uow(), deps, door=LOKET_DOOR
    )
    if accepteer:
        await casus_service.accepteer_casus(
            casus_id, AccepteerCasus(), uow(), deps, door=LOKET_DOOR
        )
    return casus_id


def _cmd(klok: Klok, **changes) -> LegAfwijkingVast:
    return LegAfwijkingVast(**afwijking_body(klok.vandaag(), **changes))


async def test_a_decision_is_recorded_published_and_audited_in_one_commit(uow, deps, store, klok):
    casus_id = await _casus(uow, deps)
    aanvrager = deps.secrets.pseudoniem(casus_id, BSN)
    before = len(store.published), len(store.audit)
    klok.verzet(hours=1)
    cmd = _cmd(
        klok,
        betrokkenen=[aanvrager],
        geldigheid={
            "ingangsdatum": klok.vandaag().isoformat(),
            "einddatum": (klok.vandaag() + dt.timedelta(days=180)).isoformat(),
        },
        knelpunt_id=KNELPUNT_ID.upper(),
    )
    afwijking_id = await service.leg_afwijking_vast(casus_id, cmd, uow(), deps, door=LOKET_DOOR)

    [(topic, event)] = store.published[before[0] :]
    assert topic == AFWIJKING.name
    assert event.id == afwijking_id and event.subject == casus_id and event.time == klok.now
    data = event.data
    assert isinstance(data, AfwijkingBesloten)
    assert data.regel.regeling == "Participatiewet" and data.regel.bwb_id == "BWBR0015703"
    assert data.besloten_door.partij.oin == "00000001999999990108"
    assert data.besloten_door.functie == "maatwerkfunctionaris"
    assert data.mandaat == "Mandaatbesluit maatwerk 2026, artikel 3"
    assert data.betrokkenen == (aanvrager,)
    assert data.knelpunt_id == KNELPUNT_ID  # the canonical (lower-case) form
    assert data.geldigheid is not None and data.geldigheid.ingangsdatum == klok.vandaag()
    assert data.besluitdatum == klok.vandaag() and data.vastgelegd_op == klok.now

    [entry] = store.audit[before[1] :]
    assert (entry.actor, entry.actie, entry.casus_id) == (
        LOKET_DOOR,
        "afwijking.besloten",
        casus_id,
    )
    assert entry.details["afwijking_id"] == afwijking_id
    assert entry.details["mandaat"] == "Mandaatbesluit maatwerk 2026, artikel 3"
    assert entry.details["besloten_door"]["functie"] == "maatwerkfunctionaris"
    assert entry.details["knelpunt_id"] == KNELPUNT_ID
    assert BSN not in repr(store)

    afwijking = await service.lees_afwijking(afwijking_id, uow())
    assert afwijking.besluit.vastgelegd_door == LOKET_DOOR
    dossier = await casus_service.lees_casus(casus_id, uow(), INSTRUMENTLIJSTEN)
    assert dossier.instrumenten["afwijkingen"] == [afwijking_id]


async def test_decisions_of_a_casus_are_listed_in_the_order_recorded(uow, deps, klok):
    casus_id = await _casus(uow, deps)
    ids = []
    for regeling in ("Participatiewet", "Invorderingswet 1990"):
        klok.verzet(minutes=3)
        ids.append(
            await service.leg_afwijking_vast(
                casus_id,
                _cmd(klok, regel={"regeling": regeling}),
                uow(),
                deps,
                door=LOKET_DOOR,
            )
        )
    found = await service.afwijkingen_van(casus_id, uow())
    assert [a.afwijking_id for a in found] == ids
    assert [a.besluit.regel.regeling for a in found] == ["Participatiewet", "Invorderingswet 1990"]
    dossier = await casus_service.lees_casus(casus_id, uow(), INSTRUMENTLIJSTEN)
    assert dossier.instrumenten["afwijkingen"] == ids


@pytest.mark.parametrize("stap", ["ingediend", "gesloten"])
async def test_a_casus_not_being_worked_on_takes_no_deviation(uow, deps, store, klok, stap):
    casus_id = await _casus(uow, deps, accepteer=stap == "gesloten")
    if stap == "gesloten":
        await casus_service.sluit_casus(
            casus_id, SluitCasus(redencode="ingetrokken"), uow(), deps, door=LOKET_DOOR
        )
    before = len(store.published), len(store.audit), store.commits
    with pytest.raises(Conflict) as exc:
        await service.leg_afwijking_vast(casus_id, _cmd(klok), uow(), deps, door=LOKET_DOOR)
    assert f"casus {casus_id} is {stap}" in exc.value.message
    assert "geaccepteerd, in_behandeling, opgeschaald" in exc.value.message
    assert (len(store.published), len(store.audit), store.commits) == before
    assert await service.afwijkingen_van(casus_id, uow()) == []


async def test_an_unknown_casus_is_not_found(uow, deps, klok):
    with pytest.raises(NietGevonden):
        await service.leg_afwijking_vast("MWL-2026-0000000000", _cmd(klok), uow(), deps, door="x")
    with pytest.raises(NietGevonden):
        await service.lees_afwijking("nope", uow())


async def test_a_person_outside_the_household_is_refused_by_field(uow, deps, klok):
    casus_id = await _casus(uow, deps)
    vreemde = "psn-" + "0" * 32
    with pytest.raises(Ongeldig) as exc:
        await service.leg_afwijking_vast(
            casus_id, _cmd(klok, betrokkenen=[vreemde]), uow(), deps, door=LOKET_DOOR
        )
    assert exc.value.field == "betrokkenen.0"


@pytest.mark.parametrize(
    ("dagen", "field"),
    [(1, "besluitdatum"), (-367, "besluitdatum")],
)
async def test_a_decision_date_out_of_reach_is_refused(uow, deps, klok, dagen, field):
    casus_id = await _casus(uow, deps)
    cmd = LegAfwijkingVast(**afwijking_body(klok.vandaag() + dt.timedelta(days=dagen)))
    with pytest.raises(Ongeldig) as exc:
        await service.leg_afwijking_vast(casus_id, cmd, uow(), deps, door=LOKET_DOOR)
    assert exc.value.field == field


async def test_a_period_that_ends_before_it_begins_is_refused(uow, deps, klok):
    casus_id = await _casus(uow, deps)
    vandaag = klok.vandaag()
    cmd = _cmd(
        klok,
        geldigheid={
            "ingangsdatum": vandaag.isoformat(),
            "einddatum": (vandaag - dt.timedelta(days=1)).isoformat(),
        },
    )
    with pytest.raises(Ongeldig) as exc:
        await service.leg_afwijking_vast(casus_id, cmd, uow(), deps, door=LOKET_DOOR)
    assert exc.value.field == "geldigheid.einddatum"


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"motivering": "Het BSN is 999990019, zie dossier."}, ("motivering",)),
        ({"mandaat": "Mandaat voor 1234.56.782"}, ("mandaat",)),
        ({"regel": {"regeling": "Awb", "omschrijving": "999990019"}}, ("regel", "omschrijving")),
        ({"knelpunt_id": "knelpunt-7"}, ("knelpunt_id",)),
        ({"betrokkenen": ["999990019"]}, ("betrokkenen", 0)),
    ],
)
def test_free_text_with_a_bsn_and_bad_ids_are_refused_by_field(klok, changes, loc):
    with pytest.raises(ValidationError) as exc:
        _cmd(klok, **changes)
    [error] = exc.value.errors()
    assert error["loc"] == loc
    assert "999990019" not in str(error["msg"])
