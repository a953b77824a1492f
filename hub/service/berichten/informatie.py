"""Information-request events as contract messages: one ``InformatieVerzoek`` per agency per
person on that agency's own topic, the person's BSN sealed for that agency alone, and the answer
key (``ontvanger_sleutel``) of the receiver. Each message and each answer taken is a processing
activity in the processing log."""

from __future__ import annotations

from hub.domain.casus import Casus, Lid
from hub.domain.informatieverzoek import Beantwoord, Gevraagd, Informatieverzoek, Vraag
from hub.service import verwerkingen
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Partij, Partijsoort
from schemas.informatie import Afspraak, Gegevenscategorie, InformatieVerzoek
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import LOKET, UITVOERDERS, Uitvoerder, per_gemeente
from schemas.topics import informatie_verzoek_topic
from schemas.versleuteling import public_key_text


def verzoeker_partij(code: str) -> Partij:
    """The requester as a message names it."""
    if code == LOKET.code:
        return Partij(oin=LOKET.oin, naam=LOKET.naam, soort=Partijsoort.LOKET)
    organisatie = UITVOERDERS[Uitvoerder(code)]
    soort = Partijsoort.GEMEENTE if per_gemeente(code) else Partijsoort.LANDELIJKE_UITVOERDER
    return Partij(oin=organisatie.oin, naam=organisatie.naam, soort=soort)


def ontvanger_sleutel(verzoek: Informatieverzoek, deps: Deps) -> str:
    """The key the agencies seal the content for: the requester's, or the hub's own."""
    if verzoek.ontvanger_sleutel is not None:
        return verzoek.ontvanger_sleutel
    return public_key_text(deps.secrets.bsn_sleutel.public_key())


async def _bericht(
    verzoek: Informatieverzoek,
    vraag: Vraag,
    sleutel: str,
    huishouden: tuple[Casus | None, dict[str, Lid]],
    uow: UnitOfWork,
    deps: Deps,
) -> Bericht:
    casus, leden = huishouden
    lid = leden[vraag.pseudoniem]
    deel = verzoek.deel_van(vraag.uitvoerder)
    await verwerkingen.log_informatieverzoek(uow, verzoek, vraag, lid)
    return Bericht(
        InformatieVerzoek(
            verzoek_id=verzoek.informatieverzoek_id,
            casus_id=verzoek.casus_id,
            verzoeker=verzoeker_partij(verzoek.verzoeker),
            verstrekker=Uitvoerder(vraag.uitvoerder),
            doel=verzoek.doel,
            grondslag=verzoek.grondslag,
            afspraak=Afspraak(
                kenmerk=deel.kenmerk,
                toegestane_categorieen=tuple(
                    Gegevenscategorie(c) for c in deel.toegestane_categorieen
                ),
            ),
            gevraagde_categorieen=tuple(Gegevenscategorie(c) for c in vraag.categorieen),
            personen=(
                PersoonVersleuteld(
                    pseudoniem=lid.pseudoniem,
                    bsn_versleuteld=deps.keys.seal_for(
                        vraag.uitvoerder, deps.secrets.ontsleutel_opslag(lid.bsn_opgeslagen)
                    ),
                ),
            ),
            reageer_uiterlijk=verzoek.reageer_uiterlijk,
            gevraagd_op=verzoek.gevraagd_op,
            ontvanger_sleutel=sleutel,
            gemeente=None if casus is None else casus.gemeente_voor(vraag.uitvoerder),
        ),
        informatie_verzoek_topic(vraag.uitvoerder).name,
        event_id=vraag.instructie_id,
    )


async def gevraagd(g: Gevraagd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    v = g.informatieverzoek
    sleutel = ontvanger_sleutel(v, deps)
    # Read once for all the questions (one per agency and person), not once per question.
    huishouden = (
        await uow.casussen.get(v.casus_id),
        {lid.pseudoniem: lid for lid in await uow.casussen.leden(v.casus_id)},
    )
    return Uitgaand(
        actie="schuldenoverzicht.gevraagd" if v.schuldenoverzicht else "informatie.gevraagd",
        casus_id=v.casus_id,
        details={
            "informatieverzoek_id": v.informatieverzoek_id,
            "doel": v.doel,
            "ontvanger": v.ontvanger.value,
            "uitvoerders": {
                d.uitvoerder: {"categorieen": list(d.categorieen), "afspraak": d.kenmerk}
                for d in v.delen
            },
            "instructies": {
                q.instructie_id: {"uitvoerder": q.uitvoerder, "pseudoniem": q.pseudoniem}
                for q in v.vragen
            },
        },
        berichten=tuple([await _bericht(v, q, sleutel, huishouden, uow, deps) for q in v.vragen]),
    )


async def beantwoord(g: Beantwoord, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    """An answer publishes nothing: the processing log and the audit trail record it."""
    v, antwoord = g.informatieverzoek, g.verzoek
    if g.gewijzigd:
        await verwerkingen.log_informatie_antwoord(uow, v, g.vraag, antwoord)
    return Uitgaand(
        actie=f"informatie.{antwoord.status.value}"
        if g.gewijzigd
        else "informatie.antwoord-genegeerd",
        casus_id=v.casus_id,
        details={
            "informatieverzoek_id": v.informatieverzoek_id,
            "uitvoerder": antwoord.uitvoerder,
            "instructie_id": antwoord.instructie_id,
            "event_id": g.antwoord_id,
            "categorieen": sorted({x.categorie for x in g.vraag.gegevens}),
        },
    )


VERTALINGEN: Vertalingen = {
    Gevraagd: gevraagd,
    Beantwoord: beantwoord,
}
"""Each kind of domain event of this instrument, and its translation."""
