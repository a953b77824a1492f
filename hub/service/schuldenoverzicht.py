"""Handlers for the debt overview: ask every agency in scope for the household's open claims,
read the overview, and order a time-out on exactly its claims.

A debt overview is an information request (``hub.service.informatie``) for category
``vorderingen`` about every household member, purpose ``schuldenoverzicht``, with the hub as the
receiver: the hub opens the claims with its own key only when the overview is read (audited).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import structlog
from pydantic import ValidationError

from hub.domain.afspraak import LOKET, Afsprakentabel, Doel
from hub.domain.opschorting import NL
from hub.domain.schuldenoverzicht import Schuldenoverzicht, stel_samen
from hub.service import informatie
from hub.service.afspraken import Gevraagd, verzoeker_op_casus
from hub.service.commands import DraagOpschortingOp, ScopeIn
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.opschorting import draag_opschorting_op
from hub.service.unit_of_work import UnitOfWork
from schemas.informatie import Gegevenscategorie, VorderingInhoud
from schemas.opschorting import Maatregel
from schemas.organisaties import Uitvoerder
from schemas.versleuteling import SealError, open_sealed

VORDERINGEN = Gegevenscategorie.VORDERINGEN

log = structlog.get_logger(__name__)


def _in_scope(tabel: Afsprakentabel, uitvoerder: Uitvoerder, op: dt.date) -> bool:
    afspraak = tabel.geldend(uitvoerder, Doel.SCHULDENOVERZICHT, LOKET, op)
    return afspraak is not None and VORDERINGEN in afspraak.categorieen


async def vraag_schuldenoverzicht(
    casus_id: str,
    uitvoerders: Sequence[Uitvoerder] | None,
    reageer_binnen_uren: int | None,
    tabel: Afsprakentabel,
    uow: UnitOfWork,
    deps: Deps,
    *,
    door: str,
) -> str:
    """Ask ``vorderingen`` of every household member of every connected agency whose agreement
    in force lets it give them to the loket for a debt overview (or of the agencies listed: 422
    naming ``uitvoerders.i`` for one without); returns the overview's id."""
    op = deps.clock().astimezone(NL).date()
    _, leden = await verzoeker_op_casus(casus_id, rol_loket=True, uitvoerder=None, uow=uow)
    async with uow:
        casus = await uow.casussen.get(casus_id)
    assert casus is not None
    if uitvoerders is None:
        # Every agency it can reach: gemeente only when the casus names the woongemeente.
        gekozen = [
            u
            for u in Uitvoerder
            if deps.keys.is_connected(u.value)
            and _in_scope(tabel, u, op)
            and casus.bereikbaar(u.value)
        ]
        if not gekozen:
            raise Ongeldig(
                "no connected agency has an agreement in force to give vorderingen for a "
                "schuldenoverzicht",
                field="uitvoerders",
            )
    else:
        for i, u in enumerate(uitvoerders):
            if not _in_scope(tabel, u, op):
                raise Ongeldig(
                    f"{u.value} has no agreement in force to give vorderingen to the loket for a "
                    "schuldenoverzicht",
                    field=f"uitvoerders.{i}",
                )
            if not deps.keys.is_connected(u.value):
                raise Ongeldig(
                    f"agency {u.value} is not connected to the hub", field=f"uitvoerders.{i}"
                )
        gekozen = list(uitvoerders)
    eerste = tabel.geldend(gekozen[0], Doel.SCHULDENOVERZICHT, LOKET, op)
    assert eerste is not None
    personen = [lid.pseudoniem for lid in casus.leden if lid.pseudoniem in leden]
    return await informatie.vraag_informatie(
        casus_id,
        informatie.Vragen(
            doel=Doel.SCHULDENOVERZICHT,
            grondslag=eerste.grondslag,
            gevraagd=[Gevraagd(u, (VORDERINGEN,)) for u in gekozen],
            personen=personen,
            ontvanger_sleutel=None,
            reageer_binnen_uren=reageer_binnen_uren,
        ),
        tabel,
        uow,
        deps,
        rol_loket=True,
        uitvoerder=None,
        door=door,
        schuldenoverzicht=True,
    )


async def lees_schuldenoverzicht(
    schuldenoverzicht_id: str, uow: UnitOfWork, deps: Deps, *, door: str
) -> Schuldenoverzicht:
    """The overview as the answers stand, the claims opened with the hub's key (audited)."""
    async with uow:
        verzoek = await uow.informatieverzoeken.get(schuldenoverzicht_id)
    if verzoek is None or not verzoek.schuldenoverzicht:
        raise NietGevonden(
            f"schuldenoverzicht {schuldenoverzicht_id} not found", field="schuldenoverzicht_id"
        )
    sleutel = deps.secrets.bsn_sleutel

    def open_vordering(inhoud: str) -> VorderingInhoud | None:
        try:
            return VorderingInhoud.model_validate_json(open_sealed(inhoud, sleutel))
        except (SealError, ValidationError):
            log.warning("a claim in a debt overview does not open", overzicht=schuldenoverzicht_id)
            return None

    overzicht = stel_samen(verzoek, open_vordering, deps.clock())
    if informatie.heeft_leesbare_inhoud(verzoek):
        await informatie.registreer_inzage(
            verzoek, uow, door=door, actie="schuldenoverzicht.gelezen"
        )
    return overzicht


def _houders(overzicht: Schuldenoverzicht) -> dict[str, list[str]]:
    """Per agency, the household members (pseudonyms) who hold its claims in the overview: the
    only persons its time-out instruction names (an agency that does not know a partner refuses
    a pause naming them; and a BSN goes only where it is needed)."""
    return {
        u.uitvoerder: list(dict.fromkeys(v.pseudoniem for v in u.vorderingen))
        for u in overzicht.uitvoerders
    }


async def schort_op(
    schuldenoverzicht_id: str,
    *,
    ingangsdatum: dt.date | None,
    einddatum: dt.date,
    maatregelen: Sequence[Maatregel],
    grondslag: str,
    reden: str,
    uow: UnitOfWork,
    deps: Deps,
    door: str,
) -> tuple[str, list[str]]:
    """Order a time-out on the overview's casus whose scope is every agency that answered with
    claims, each with exactly the claims of the overview and only the household members who hold
    them (``draag_opschorting_op``: same rules and answers). Returns the time-out's id and the
    agencies left out because they had not answered; 409 when no agency answered with claims
    yet."""
    overzicht = await lees_schuldenoverzicht(schuldenoverzicht_id, uow, deps, door=door)
    scope = overzicht.scope()
    if not scope:
        raise Conflict(
            f"no agency answered schuldenoverzicht {schuldenoverzicht_id} with claims yet",
            field="schuldenoverzicht_id",
        )
    houders = _houders(overzicht)
    cmd = DraagOpschortingOp(
        uitvoerders=[
            ScopeIn(uitvoerder=Uitvoerder(u), vorderingen=list(refs), personen=houders[u])
            for u, refs in scope.items()
        ],
        maatregelen=list(maatregelen),
        ingangsdatum=ingangsdatum or deps.clock().astimezone(NL).date(),
        einddatum=einddatum,
        grondslag=grondslag,
        reden=reden,
    )
    opschorting_id = await draag_opschorting_op(overzicht.casus_id, cmd, uow, deps, door=door)
    return opschorting_id, overzicht.ontbrekend
