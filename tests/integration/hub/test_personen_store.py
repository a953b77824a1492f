"""Revision 0015: the persons a request names (``verzoek.personen_in_scope``) are stored and read
back with the order and its changes, on SQLite and PostgreSQL; null stays the whole household."""

from __future__ import annotations

import datetime as dt

from hub.adapters.migrations import downgrade, upgrade
from hub.service.casus import dien_casus_in, lees_casus
from hub.service.commands import DienCasusIn, DraagOpschortingOp, VerlengOpschorting
from hub.service.opschorting import draag_opschorting_op, lees_opschorting
from hub.service.wijziging import verleng_opschorting
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body, vandaag


async def test_the_persons_in_scope_are_kept_and_reach_the_change(hub):
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body("999990019", "999990020")), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    [aanvrager, _] = [lid.pseudoniem for lid in (await lees_casus(casus_id, hub.uow())).casus.leden]
    body = opschorting_body("cjib", "duo")
    body["uitvoerders"][1]["personen"] = [aanvrager]
    opschorting_id = await draag_opschorting_op(
        casus_id, DraagOpschortingOp(**body), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    later = vandaag() + dt.timedelta(days=200)
    await verleng_opschorting(
        opschorting_id,
        VerlengOpschorting(einddatum=later, reden="meer tijd"),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
    )
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    for keten in (opschorting.keten, opschorting.wijzigingen[0].keten):
        assert {v.uitvoerder: v.personen_in_scope for v in keten} == {
            "cjib": None,
            "duo": (aanvrager,),
        }

    await downgrade(hub.engine, "0014")
    await upgrade(hub.engine)
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    assert {v.personen_in_scope for v in opschorting.verzoeken()} == {None}
