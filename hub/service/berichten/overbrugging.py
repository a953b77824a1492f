"""Bridging events as contract messages on ``maatwerk.overbrugging.v1``, keyed on the casus.

Every step is one message on the instrument's topic, amounts as :class:`~schemas.gedeeld.Bedrag`
(integer cents). The repayment request (``TerugbetalingGevraagd``) goes there too, naming the
responsible party by its OIN (``betaler``), for every kind of party: an agency's instruction topic
carries only what its connector translates into a back-office call (a message of another type
there is dead-lettered), and a gemeente, insurer or care office has no topic of its own. The audit
entry of each step records the amounts and ids, never free text.
"""

from __future__ import annotations

from typing import Any

from hub.domain.overbrugging import (
    Aangevraagd,
    Aangewezen,
    Afgewezen,
    Betaald,
    Organisatie,
    OverbruggingGebeurtenis,
    Teruggevraagd,
    Terugontvangen,
    Toegekend,
)
from hub.domain.verzoek import VerzoekSoort
from hub.service import deelname
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Bedrag, Partij, Partijsoort
from schemas.overbrugging import (
    Afwijzingsgrond,
    Financier,
    Financieringskader,
    OverbruggingAangevraagd,
    OverbruggingAfgewezen,
    OverbruggingToegekend,
    TerugbetalingGevraagd,
    TerugbetalingOntvangen,
    TerugbetalingsverzoekInstructie,
    VerantwoordelijkeAangewezen,
    VoorfinancieringBetaald,
)
from schemas.topics import OVERBRUGGING, instructie_topic


def partij(o: Organisatie) -> Partij:
    return Partij(oin=o.oin, naam=o.naam, soort=Partijsoort(o.soort))


def _ids(g: OverbruggingGebeurtenis) -> dict[str, Any]:
    return {"overbrugging_id": g.overbrugging_id, "casus_id": g.casus_id}


def _uit(g: OverbruggingGebeurtenis, actie: str, data: Any, **details: Any) -> Uitgaand:
    return Uitgaand(
        actie=f"overbrugging.{actie}",
        casus_id=g.casus_id,
        details={"overbrugging_id": g.overbrugging_id, **details},
        berichten=(Bericht(data, OVERBRUGGING.name),),
    )


async def aangevraagd(g: Aangevraagd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = OverbruggingAangevraagd(
        **_ids(g),
        zorgvoorziening=g.zorgvoorziening,
        mogelijke_financiers=tuple(
            Financier(partij=partij(f.organisatie), kader=Financieringskader(f.kader))
            for f in g.mogelijke_financiers
        ),
        geraamd_bedrag=Bedrag(centen=g.geraamd_centen),
        aangevraagd_door=partij(g.aanvrager),
        aangevraagd_op=g.op,
    )
    return _uit(
        g,
        "aangevraagd",
        data,
        geraamd_centen=g.geraamd_centen,
        urgent=g.urgent,
        aanvrager=g.aanvrager.oin,
        financiers=[f.organisatie.oin for f in g.mogelijke_financiers],
    )


async def toegekend(g: Toegekend, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    t = g.toekenning
    data = OverbruggingToegekend(
        **_ids(g),
        voorfinancierder=partij(t.voorfinancierder),
        maximum_bedrag=Bedrag(centen=t.maximum_centen),
        ingangsdatum=t.ingangsdatum,
        toelichting=t.toelichting,
        besloten_op=g.op,
    )
    return _uit(
        g,
        "toegekend",
        data,
        maximum_centen=t.maximum_centen,
        beslistijd_seconden=round((g.op - g.aangevraagd_op).total_seconds()),
    )


async def afgewezen(g: Afgewezen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = OverbruggingAfgewezen(
        **_ids(g),
        redencode=Afwijzingsgrond(g.afwijzing.redencode),
        reden=g.afwijzing.reden,
        besloten_op=g.op,
    )
    return _uit(
        g,
        "afgewezen",
        data,
        redencode=g.afwijzing.redencode,
        beslistijd_seconden=round((g.op - g.aangevraagd_op).total_seconds()),
    )


async def betaald(g: Betaald, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    b = g.betaling
    data = VoorfinancieringBetaald(
        **_ids(g),
        betaling_id=b.betaling_id,
        bedrag=Bedrag(centen=b.centen),
        betaald_door=partij(g.betaald_door),
        ontvanger=b.ontvanger,
        betaaldatum=b.betaaldatum,
        betalingskenmerk=b.betalingskenmerk,
    )
    return _uit(
        g,
        "voorfinanciering-betaald",
        data,
        betaling_id=b.betaling_id,
        centen=b.centen,
        openstaand_centen=g.openstaand_centen,
    )


async def aangewezen(g: Aangewezen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    v = g.verantwoordelijke
    data = VerantwoordelijkeAangewezen(
        **_ids(g),
        verantwoordelijke=partij(v.organisatie),
        kader=Financieringskader(v.kader),
        motivering=v.motivering,
        escalatie_id=v.escalatie_id,
        aangewezen_op=g.op,
    )
    return _uit(
        g,
        "verantwoordelijke-aangewezen",
        data,
        verantwoordelijke=v.organisatie.oin,
        kader=v.kader,
        openstaand_centen=g.openstaand_centen,
    )


async def teruggevraagd(g: Teruggevraagd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    v = g.verzoek
    data = TerugbetalingGevraagd(
        **_ids(g),
        verzoek_id=v.verzoek_id,
        betaler=partij(v.betaler),
        ontvanger=partij(g.ontvanger),
        bedrag=Bedrag(centen=v.centen),
        uiterlijk=v.uiterlijk,
        betalingskenmerk=v.betalingskenmerk,
        gevraagd_op=g.op,
    )
    uit = _uit(
        g,
        "terugbetaling-gevraagd",
        data,
        verzoek_id=v.verzoek_id,
        betaler=v.betaler.oin,
        centen=v.centen,
        uiterlijk=v.uiterlijk.isoformat(),
    )
    instructie = await _terugbetalingsinstructie(g, uow, deps)
    if instructie is None:
        return uit  # no installed agency: the party reads its request over the API
    return Uitgaand(
        actie=uit.actie,
        casus_id=uit.casus_id,
        details={**uit.details, "instructie_id": instructie.event_id},
        berichten=(*uit.berichten, instructie),
    )


async def _terugbetalingsinstructie(
    g: Teruggevraagd, uow: UnitOfWork, deps: Deps
) -> Bericht | None:
    """The repayment request as an instruction on the responsible agency's own topic, recorded
    as its request (``hub.service.deelname``); None when the party is no installed agency."""
    v = g.verzoek
    casus = await uow.casussen.get(g.casus_id)
    uitvoerder = deelname.aangesloten_uitvoerder(v.betaler.oin, casus, deps)
    if uitvoerder is None:
        return None
    verzoek = deelname.nieuw_verzoek(
        VerzoekSoort.TERUGBETALING,
        keten_id=v.verzoek_id,
        instrument_id=g.overbrugging_id,
        casus_id=g.casus_id,
        uitvoerder=uitvoerder,
        nu=g.op,
    )
    uow.verzoeken.add([verzoek])
    data = TerugbetalingsverzoekInstructie(
        **_ids(g),
        verzoek_id=v.verzoek_id,
        uitvoerder=uitvoerder,
        personen=await deelname.personen(
            g.casus_id,
            uitvoerder,
            uow,
            deps,
            ontvanger=v.betaler.oin,
            door=g.door,
            doel=deelname.DOEL_TERUGBETALING,
        ),
        bedrag=Bedrag(centen=v.centen),
        uiterlijk=v.uiterlijk,
        betalingskenmerk=v.betalingskenmerk,
        voorfinancierder=partij(g.ontvanger),
        reageer_uiterlijk=verzoek.reageer_uiterlijk,
        gemeente=None if casus is None else casus.gemeente_voor(uitvoerder.value),
    )
    return Bericht(data, instructie_topic(uitvoerder).name, event_id=verzoek.instructie_id)


async def terugontvangen(g: Terugontvangen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    t = g.terugbetaling
    data = TerugbetalingOntvangen(
        **_ids(g),
        verzoek_id=t.verzoek_id,
        bedrag=Bedrag(centen=t.centen),
        betaald_door=partij(g.betaald_door),
        ontvangstdatum=t.ontvangstdatum,
        openstaand=Bedrag(centen=g.openstaand_centen),
    )
    return _uit(
        g,
        "terugbetaling-ontvangen",
        data,
        verzoek_id=t.verzoek_id,
        terugbetaling_id=t.terugbetaling_id,
        centen=t.centen,
        openstaand_centen=g.openstaand_centen,
    )


VERTALINGEN: Vertalingen = {
    Aangevraagd: aangevraagd,
    Toegekend: toegekend,
    Afgewezen: afgewezen,
    Betaald: betaald,
    Aangewezen: aangewezen,
    Teruggevraagd: teruggevraagd,
    Terugontvangen: terugontvangen,
}
"""Each kind of domain event of this instrument, and its translation."""
