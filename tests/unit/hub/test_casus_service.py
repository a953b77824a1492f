"""The casus handlers with a unit of work in memory: no FastAPI, no database.

What they must do: the state change, its ``casus.*`` message and its audit entry commit together;
a refused step commits nothing and is a Conflict naming the current and allowed statuses.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hub.service import casus as service
from hub.service.commands import (
    AccepteerCasus,
    DienCasusIn,
    LosCasusOp,
    NeemCasusInBehandeling,
    SchaalCasusOp,
    SluitCasus,
    WijsCasusAf,
)
from hub.service.errors import Conflict, NietGevonden
from hub.service.queries import ZoekCasussen
from schemas.casus import (
    CasusAfgewezen,
    CasusGeaccepteerd,
    CasusGesloten,
    CasusInBehandeling,
    CasusIngediend,
    CasusOpgelost,
    CasusOpgeschaald,
)
from schemas.topics import CASUS
from tests.support.loket import LOKET_DOOR, casus_body

BSN = "999990019"


async def submit(uow, deps, **changes) -> str:
    return await service.dien_casus_in(
        DienCasusIn(**{**casus_body(BSN), **changes}), uow(), deps, door=LOKET_DOOR
    )


async def test_submission_publishes_casus_ingediend_and_audits_pseudonyms_only(uow, deps, store):
    casus_id = await submit(uow, deps)
    [(topic, event)] = store.published
    assert topic == CASUS.name
    assert isinstance(event.data, CasusIngediend)
    assert event.subject == casus_id and event.time == deps.clock()
    assert event.data.huishouden[0].pseudoniem == deps.secrets.pseudoniem(casus_id, BSN)
    assert [lid.value for lid in event.data.betrokken_organisaties] == [
        "belastingdienst",
        "cjib",
        "duo",
    ]
    [entry] = store.audit
    assert (entry.actor, entry.actie, entry.casus_id) == (
        LOKET_DOOR,  # the proven caller, not the body's indiener_oin
        "casus.ingediend",
        casus_id,
    )
    assert entry.details == {"leden": [deps.secrets.pseudoniem(casus_id, BSN)]}
    assert BSN not in repr(store)


async def test_the_bsn_is_kept_sealed_for_the_time_out(uow, deps):
    casus_id = await submit(uow, deps)
    async with uow() as work:
        [lid] = await work.casussen.leden(casus_id)
    assert lid.bsn_opgeslagen != BSN
    assert deps.secrets.ontsleutel_opslag(lid.bsn_opgeslagen) == BSN


async def test_the_whole_lifecycle_publishes_each_step_in_order(uow, deps, store, klok):
    casus_id = await submit(uow, deps)
    steps = [
        (service.accepteer_casus, AccepteerCasus(toelichting="Alles geprobeerd")),
        (service.neem_casus_in_behandeling, NeemCasusInBehandeling(behandelteam="Team Noord")),
        (service.schaal_casus_op, SchaalCasusOp(reden="Bestuurders nodig")),
        (service.neem_casus_in_behandeling, NeemCasusInBehandeling(behandelteam="Team Noord")),
        (
            service.los_casus_op,
            LosCasusOp(oplossing="Regeling", ingezette_instrumenten=["time-out"]),
        ),
        (service.sluit_casus, SluitCasus(redencode="opgelost")),
    ]
    for handler, cmd in steps:
        klok.verzet(minutes=5)
        await handler(casus_id, cmd, uow(), deps, door=LOKET_DOOR)
    types = [type(event.data) for _, event in store.published]
    assert types == [
        CasusIngediend,
        CasusGeaccepteerd,
        CasusInBehandeling,
        CasusOpgeschaald,
        CasusInBehandeling,
        CasusOpgelost,
        CasusGesloten,
    ]
    assert {topic for topic, _ in store.published} == {CASUS.name}
    assert all(event.subject == casus_id for _, event in store.published)
    assert [e.actie for e in store.audit] == [
        "casus.ingediend",
        "casus.geaccepteerd",
        "casus.in_behandeling",
        "casus.opgeschaald",
        "casus.in_behandeling",
        "casus.opgelost",
        "casus.gesloten",
    ]
    assert all(e.actor == LOKET_DOOR for e in store.audit[1:])
    assert store.audit[3].details["van"] == "in_behandeling"
    escalatie = store.published[3][1].data
    assert store.audit[3].details["escalatie_id"] == escalatie.escalatie_id
    dossier = await service.lees_casus(casus_id, uow())
    assert dossier.casus.status == "gesloten"
    assert [t.naar for t in dossier.casus.transities][-1] == "gesloten"
    assert dossier.casus.transities[3].details["escalatie_id"] == escalatie.escalatie_id


async def test_refusal_carries_code_reason_and_advice(uow, deps, store):
    casus_id = await submit(uow, deps)
    cmd = WijsCasusAf(redencode="niet-alles-geprobeerd", reden="Eerst lokaal", advies="Wijkteam")
    await service.wijs_casus_af(casus_id, cmd, uow(), deps, door=LOKET_DOOR)
    data = store.published[-1][1].data
    assert isinstance(data, CasusAfgewezen)
    assert (data.redencode, data.reden, data.advies) == (
        "niet-alles-geprobeerd",
        "Eerst lokaal",
        "Wijkteam",
    )
    assert store.audit[-1].details == {
        "van": "ingediend",
        "redencode": "niet-alles-geprobeerd",
        "reden": "Eerst lokaal",
        "advies": "Wijkteam",
    }


async def test_a_refused_step_is_a_conflict_and_commits_nothing(uow, deps, store):
    casus_id = await submit(uow, deps)
    commits, published, audit = store.commits, len(store.published), len(store.audit)
    with pytest.raises(Conflict) as raised:
        await service.los_casus_op(
            casus_id, LosCasusOp(oplossing="Te vroeg"), uow(), deps, door=LOKET_DOOR
        )
    assert raised.value.status_code == 409
    assert raised.value.message == (
        f"casus {casus_id} is ingediend: it cannot become opgelost; "
        "allowed: geaccepteerd, afgewezen, gesloten"
    )
    assert (store.commits, len(store.published), len(store.audit)) == (commits, published, audit)
    assert (await service.lees_casus(casus_id, uow())).casus.status == "ingediend"


async def test_a_closing_reason_that_does_not_fit_names_the_ones_that_do(uow, deps):
    casus_id = await submit(uow, deps)
    with pytest.raises(Conflict) as raised:
        await service.sluit_casus(
            casus_id, SluitCasus(redencode="opgelost"), uow(), deps, door=LOKET_DOOR
        )
    assert raised.value.field == "redencode"
    assert raised.value.message.endswith("allowed: ingetrokken, overgedragen")


async def test_unknown_casus_is_not_found(uow, deps):
    with pytest.raises(NietGevonden):
        await service.accepteer_casus(
            "MWL-2026-0000000000", AccepteerCasus(), uow(), deps, door=LOKET_DOOR
        )
    with pytest.raises(NietGevonden):
        await service.lees_casus("MWL-2026-0000000000", uow())


async def test_list_filters_sorts_pages_and_counts(uow, deps, klok):
    normaal = await submit(uow, deps, urgentie="normaal", betrokken_organisaties=["uwv"])
    klok.verzet(days=1)
    acuut = await submit(uow, deps, urgentie="acuut", betrokken_organisaties=["cjib"])
    klok.verzet(days=1)
    hoog = await submit(uow, deps, urgentie="hoog", betrokken_organisaties=["cjib", "duo"])
    await service.accepteer_casus(hoog, AccepteerCasus(), uow(), deps, door=LOKET_DOOR)

    async def ids(**vraag) -> tuple[list[str], int]:
        lijst = await service.zoek_casussen(ZoekCasussen(**vraag), uow())
        return [c.casus_id for c in lijst.items], lijst.totaal

    assert await ids() == ([hoog, acuut, normaal], 3)
    assert await ids(sorteer="ingediend_op") == ([normaal, acuut, hoog], 3)
    assert await ids(sorteer="-urgentie") == ([acuut, hoog, normaal], 3)
    assert await ids(sorteer="urgentie") == ([normaal, hoog, acuut], 3)
    assert await ids(status=["geaccepteerd"]) == ([hoog], 1)
    assert await ids(urgentie=["acuut", "normaal"]) == ([acuut, normaal], 2)
    assert await ids(organisatie=["cjib"]) == ([hoog, acuut], 2)
    assert await ids(per_pagina=2, pagina=2) == ([normaal], 3)
    start = dt.date(2026, 12, 1)
    assert await ids(ingediend_vanaf=start, ingediend_tot=start) == ([normaal], 1)
    assert await ids(ingediend_vanaf=start + dt.timedelta(days=1)) == ([hoog, acuut], 2)
