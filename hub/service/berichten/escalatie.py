"""Escalation events as contract messages (``maatwerk.escalatie.v1``) and audit entries.

Each domain event of the escalation becomes its ``escalatie.*`` payload, keyed on the casus id
(the casus's messages stay in order across its topics), and an audit entry
``escalatie.<what happened>`` by the proven caller. The dossier that goes to the LET on the
topic is shared information: its processing-log entry is written here, in the same transaction.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.domain.escalatie import (
    Aangemeld,
    Actiepunt,
    ActiepuntAfgerond,
    EscalatieGebeurtenis,
    KnelpuntGeregistreerd,
    Overleg,
    OverlegGepland,
    UitkomstVastgesteld,
    Uitnodiging,
)
from hub.domain.verzoek import VerzoekSoort
from hub.service import deelname, verwerkingen
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas import EventData
from schemas.casus import Urgentie
from schemas.escalatie import (
    Actiepunt as ActiepuntBericht,
)
from schemas.escalatie import (
    Documentverwijzing,
    Dossier,
    EscalatieAangemeld,
    EscalatieActiepuntAfgerond,
    EscalatieOverlegGepland,
    EscalatieUitkomstVastgesteld,
    EscalatieUitnodigingInstructie,
    LopendInstrument,
    Overlegmoment,
)
from schemas.escalatie import (
    KnelpuntGeregistreerd as KnelpuntBericht,
)
from schemas.gedeeld import Bestuurder
from schemas.organisaties import LET
from schemas.topics import ESCALATIE, instructie_topic


def _uit(actie: str, casus_id: str, data: EventData, details: dict[str, Any]) -> Uitgaand:
    return Uitgaand(
        actie=f"escalatie.{actie}",
        casus_id=casus_id,
        details=details,
        berichten=(Bericht(data, ESCALATIE.name),),
    )


async def _uitnodigingen(
    g: EscalatieGebeurtenis,
    uitnodigingen: tuple[Uitnodiging, ...],
    overleg: Overleg | None,
    urgentie: Urgentie,
    uow: UnitOfWork,
    deps: Deps,
) -> tuple[list[Bericht], dict[str, str]]:
    """One invitation instruction per invited organisation that is an installed agency (on its
    own instruction topic, recorded as its request; ``hub.service.deelname``), and the
    instruction ids by OIN. Others read the escalation over the API, as before."""
    casus = await uow.casussen.get(g.casus_id)
    keten_id = g.escalatie_id if overleg is None else overleg.overleg_id
    berichten: list[Bericht] = []
    instructies: dict[str, str] = {}
    for u in uitnodigingen:
        uitvoerder = deelname.aangesloten_uitvoerder(u.partij.oin, casus, deps)
        if uitvoerder is None:
            continue
        verzoek = deelname.nieuw_verzoek(
            VerzoekSoort.UITNODIGING,
            keten_id=keten_id,
            instrument_id=g.escalatie_id,
            casus_id=g.casus_id,
            uitvoerder=uitvoerder,
            nu=g.op,
        )
        uow.verzoeken.add([verzoek])
        data = EscalatieUitnodigingInstructie(
            escalatie_id=g.escalatie_id,
            casus_id=g.casus_id,
            uitvoerder=uitvoerder,
            personen=await deelname.personen(
                g.casus_id, uitvoerder, uow, deps, ontvanger=u.partij.oin, door=g.door,
                doel=deelname.DOEL_UITNODIGING,
            ),
            dossierkenmerk=g.escalatie_id,
            gevraagde_rol=u.functie,
            urgentie=urgentie,
            overleg=None
            if overleg is None
            else Overlegmoment(
                overleg_id=overleg.overleg_id,
                aanvang=overleg.aanvang,
                duur_minuten=overleg.duur_minuten,
                locatie=overleg.locatie,
            ),
            reageer_uiterlijk=verzoek.reageer_uiterlijk,
            gemeente=None if casus is None else casus.gemeente_voor(uitvoerder.value),
        )  # fmt: skip
        berichten.append(
            Bericht(data, instructie_topic(uitvoerder).name, event_id=verzoek.instructie_id)
        )
        instructies[u.partij.oin] = verzoek.instructie_id
    return berichten, instructies


def _bestuurders(uitnodigingen: tuple[Uitnodiging, ...]) -> tuple[Bestuurder, ...]:
    return tuple(Bestuurder(partij=u.partij, functie=u.functie) for u in uitnodigingen)


async def aangemeld(g: Aangemeld, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    d = g.dossier
    data = EscalatieAangemeld(
        escalatie_id=g.escalatie_id,
        casus_id=g.casus_id,
        dossier=Dossier(
            samenvatting=d.samenvatting,
            vraag=d.vraag,
            geprobeerd=d.geprobeerd,
            betrokken_partijen=d.betrokken_partijen,
            documenten=tuple(
                Documentverwijzing(kenmerk=doc.kenmerk, titel=doc.titel) for doc in d.documenten
            ),
            lopende_instrumenten=tuple(
                LopendInstrument(
                    soort=i.soort, id=i.id, status=i.status, omschrijving=i.omschrijving
                )
                for i in d.lopende_instrumenten
            ),
        ),
        uit_te_nodigen=_bestuurders(g.uitnodigingen),
        urgentie=g.urgentie,
        aangemeld_op=g.op,
        zonder_contact=tuple(u.partij for u in g.uitnodigingen if u.zonder_contact),
    )
    leden = await uow.casussen.leden(g.casus_id)
    await verwerkingen.log_escalatiedossier(uow, g.casus_id, leden, loket=g.door, ontvanger=LET.oin)
    details: dict[str, Any] = {
        "escalatie_id": g.escalatie_id,
        "uitgenodigd": [u.partij.oin for u in g.uitnodigingen],
        "zonder_contact": [u.partij.oin for u in g.uitnodigingen if u.zonder_contact],
        "instrumenten": [i.id for i in d.lopende_instrumenten],
    }
    berichten, instructies = await _uitnodigingen(g, g.uitnodigingen, None, g.urgentie, uow, deps)
    if instructies:
        details["instructies"] = instructies
    uit = _uit("aangemeld", g.casus_id, data, details)
    return dataclasses.replace(uit, berichten=(*uit.berichten, *berichten))


async def overleg_gepland(g: OverlegGepland, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    o = g.overleg
    data = EscalatieOverlegGepland(
        escalatie_id=g.escalatie_id,
        casus_id=g.casus_id,
        overleg_id=o.overleg_id,
        aanvang=o.aanvang,
        duur_minuten=o.duur_minuten,
        locatie=o.locatie,
        deelnemers=_bestuurders(g.deelnemers),
        agenda=o.agenda,
        gepland_op=g.op,
    )
    details: dict[str, Any] = {
        "escalatie_id": g.escalatie_id,
        "overleg_id": o.overleg_id,
        "aanvang": o.aanvang.isoformat(),
        "verplaatst": g.verplaatst,
    }
    berichten, instructies = await _uitnodigingen(g, g.deelnemers, o, g.urgentie, uow, deps)
    if instructies:
        details["instructies"] = instructies
    uit = _uit("overleg-gepland", g.casus_id, data, details)
    return dataclasses.replace(uit, berichten=(*uit.berichten, *berichten))


def _actiepunt(a: Actiepunt) -> ActiepuntBericht:
    return ActiepuntBericht(
        omschrijving=a.omschrijving, verantwoordelijke=a.verantwoordelijke, uiterlijk=a.uiterlijk
    )


async def uitkomst_vastgesteld(g: UitkomstVastgesteld, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    b = g.besluit
    data = EscalatieUitkomstVastgesteld(
        escalatie_id=g.escalatie_id,
        casus_id=g.casus_id,
        uitkomst=b.uitkomst,
        besluit=b.besluit,
        verantwoordelijke=b.verantwoordelijke,
        actiepunten=tuple(_actiepunt(a) for a in g.actiepunten),
        vastgesteld_op=g.op,
    )
    details = {
        "escalatie_id": g.escalatie_id,
        "uitkomst": b.uitkomst.value,
        "verantwoordelijke": b.verantwoordelijke.oin if b.verantwoordelijke else None,
        "actiepunten": len(g.actiepunten),
    }
    return _uit("uitkomst-vastgesteld", g.casus_id, data, details)


async def actiepunt_afgerond(g: ActiepuntAfgerond, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    a = g.actiepunt
    data = EscalatieActiepuntAfgerond(
        escalatie_id=g.escalatie_id,
        casus_id=g.casus_id,
        actiepunt=a.nummer,
        verantwoordelijke=a.verantwoordelijke,
        uiterlijk=a.uiterlijk,
        toelichting=a.toelichting,
        afgerond_op=g.op,
    )
    details = {"escalatie_id": g.escalatie_id, "actiepunt": a.nummer}
    return _uit("actiepunt-afgerond", g.casus_id, data, details)


async def knelpunt_geregistreerd(g: KnelpuntGeregistreerd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    k = g.knelpunt
    data = KnelpuntBericht(
        escalatie_id=g.escalatie_id,
        casus_id=g.casus_id,
        knelpunt_id=k.knelpunt_id,
        categorie=k.categorie,
        regel=k.regel,
        omschrijving=k.omschrijving,
        betrokken_partijen=k.betrokken_partijen,
        voorstel=k.voorstel,
        geregistreerd_op=g.op,
    )
    details = {
        "escalatie_id": g.escalatie_id,
        "knelpunt_id": k.knelpunt_id,
        "categorie": k.categorie.value,
        "regeling": k.regel.regeling if k.regel else None,
    }
    return _uit("knelpunt-geregistreerd", g.casus_id, data, details)


VERTALINGEN: Vertalingen = {
    Aangemeld: aangemeld,
    OverlegGepland: overleg_gepland,
    UitkomstVastgesteld: uitkomst_vastgesteld,
    ActiepuntAfgerond: actiepunt_afgerond,
    KnelpuntGeregistreerd: knelpunt_geregistreerd,
}
"""Each kind of domain event of this instrument, and its translation."""
