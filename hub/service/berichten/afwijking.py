"""Deviation decisions as contract messages (``maatwerk.afwijking.v1``).

A recorded decision becomes ``nl.maatwerk.afwijking.besloten.v1``, keyed on the casus id (so it
stays in order with the casus's other messages), and an audit entry ``afwijking.besloten`` on
the casus: which rule, who decided under which mandate, the knelpunt it points to. The free texts
(what is done instead, why) are in the message and the record, screened for BSNs on the way in;
the household appears only as pseudonyms.
"""

from __future__ import annotations

from typing import Any

from hub.domain.afwijking import AfwijkingVastgelegd, Besluit
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.afwijking import AfwijkingBesloten, Besluitnemer
from schemas.gedeeld import Partij, Partijsoort, Regel
from schemas.opschorting import Periode
from schemas.topics import AFWIJKING


def bericht(besluit: Besluit) -> AfwijkingBesloten:
    """The contract message of a decision."""
    b = besluit.besloten_door
    geldigheid = (
        Periode(ingangsdatum=besluit.geldig_van, einddatum=besluit.geldig_tot)
        if besluit.geldig_van is not None and besluit.geldig_tot is not None
        else None
    )
    return AfwijkingBesloten(
        afwijking_id=besluit.afwijking_id,
        casus_id=besluit.casus_id,
        regel=Regel(
            regeling=besluit.regel.regeling,
            artikel=besluit.regel.artikel,
            bwb_id=besluit.regel.bwb_id,
            omschrijving=besluit.regel.omschrijving,
        ),
        afwijking=besluit.afwijking,
        motivering=besluit.motivering,
        besloten_door=Besluitnemer(
            partij=Partij(oin=b.oin, naam=b.naam, soort=Partijsoort(b.soort)), functie=b.functie
        ),
        betrokkenen=besluit.betrokkenen,
        geldigheid=geldigheid,
        besluitdatum=besluit.besluitdatum,
        vastgelegd_op=besluit.vastgelegd_op,
        mandaat=besluit.mandaat,
        knelpunt_id=besluit.knelpunt_id,
    )


def audit_details(besluit: Besluit) -> dict[str, Any]:
    """What the audit trail keeps of a decision: enough to find and account for it."""
    return {
        "afwijking_id": besluit.afwijking_id,
        "regel": {"regeling": besluit.regel.regeling, "artikel": besluit.regel.artikel},
        "besloten_door": {
            "oin": besluit.besloten_door.oin,
            "naam": besluit.besloten_door.naam,
            "functie": besluit.besloten_door.functie,
        },
        "mandaat": besluit.mandaat,
        "besluitdatum": besluit.besluitdatum.isoformat(),
        "betrokkenen": list(besluit.betrokkenen),
        "knelpunt_id": besluit.knelpunt_id,
    }


async def vastgelegd(g: AfwijkingVastgelegd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    return Uitgaand(
        actie="afwijking.besloten",
        casus_id=g.besluit.casus_id,
        details=audit_details(g.besluit),
        berichten=(Bericht(bericht(g.besluit), AFWIJKING.name, event_id=g.besluit.afwijking_id),),
    )


VERTALINGEN: Vertalingen = {AfwijkingVastgelegd: vastgelegd}
"""Each kind of domain event of this instrument, and its translation."""
