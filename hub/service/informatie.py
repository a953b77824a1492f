"""Handlers for the information request: ask, take the agencies' answers, read.

A request is checked against the agreements first (:func:`hub.service.afspraken.
toets_informatieverzoek`): one outside them is refused (422) and never recorded or sent. Then
every agency asked must be connected. The request, its questions and one message per agency per
person (``hub.service.berichten.informatie``) commit in one transaction (outbox).

The answers come through the one answer handler (``hub.service.antwoorden``); the aggregate runs
the second minimisation check. The content stays sealed as it came: only when the hub is the
receiver does it open it, for the requester, when the request is read (audited).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from hub.domain.afspraak import LOKET, Afsprakentabel, Doel
from hub.domain.casus import ZONDER_WOONGEMEENTE
from hub.domain.informatieverzoek import (
    Deel,
    Informatieverzoek,
    NietGegeven,
    OntvangenGegeven,
    Ontvanger,
    Verstrekking,
    Weigering,
)
from hub.domain.opschorting import NL
from hub.domain.selectie import Pagina
from hub.domain.verzoek import VerzoekStatus
from hub.service.afspraken import Gevraagd, toets_informatieverzoek
from hub.service.deps import Deps
from hub.service.errors import NietGevonden, Ongeldig
from hub.service.instrumentlijst import Instrumentlijst
from hub.service.routes import Route
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Regel
from schemas.informatie import InformatieGeweigerd, InformatieVerstrekt
from schemas.versleuteling import SealError, open_sealed

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Vragen:
    """What the requester asks (the body of the request, checked)."""

    doel: Doel
    grondslag: Regel
    gevraagd: Sequence[Gevraagd]
    personen: Sequence[str]
    ontvanger_sleutel: str | None = None
    reageer_binnen_uren: int | None = None


def verzoeker_code(*, rol_loket: bool, uitvoerder: str | None) -> str | None:
    """The requester's organisation code (``loket`` or the agency's), None for anyone else."""
    return LOKET if rol_loket else uitvoerder


async def vraag_informatie(
    casus_id: str,
    vragen: Vragen,
    tabel: Afsprakentabel,
    uow: UnitOfWork,
    deps: Deps,
    *,
    rol_loket: bool,
    uitvoerder: str | None,
    door: str,
    schuldenoverzicht: bool = False,
) -> str:
    """Record an information request and queue its messages; returns its id. ``door`` is the
    proven caller, the actor in the audit trail and the requester in the processing log."""
    nu = deps.clock()
    oordelen = await toets_informatieverzoek(
        casus_id,
        rol_loket=rol_loket,
        uitvoerder=uitvoerder,
        doel=vragen.doel,
        grondslag=vragen.grondslag,
        gevraagd=vragen.gevraagd,
        personen=vragen.personen,
        tabel=tabel,
        uow=uow,
        op=nu.astimezone(NL).date(),
    )
    async with uow:
        casus = await uow.casussen.get(casus_id)
    for index, deel in enumerate(vragen.gevraagd):
        if not deps.keys.is_connected(deel.uitvoerder.value):
            raise Ongeldig(
                f"agency {deel.uitvoerder.value} is not connected to the hub",
                field=f"uitvoerders.{index}.uitvoerder",
            )
        if casus is not None and not casus.bereikbaar(deel.uitvoerder.value):
            raise Ongeldig(ZONDER_WOONGEMEENTE, field=f"uitvoerders.{index}.uitvoerder")
    verzoeker = verzoeker_code(rol_loket=rol_loket, uitvoerder=uitvoerder)
    assert verzoeker is not None  # the check refused anyone else
    uren = vragen.reageer_binnen_uren or deps.settings.answer_deadline_hours
    verzoek = Informatieverzoek.vraag(
        informatieverzoek_id=str(uuid.uuid4()),
        casus_id=casus_id,
        verzoeker=verzoeker,
        doel=vragen.doel.value,
        grondslag=vragen.grondslag,
        delen=[
            Deel(
                uitvoerder=o.uitvoerder.value,
                categorieen=tuple(c.value for c in o.categorieen),
                kenmerk=o.afspraak.kenmerk,
                versie=o.afspraak.versie,
                toegestane_categorieen=tuple(c.value for c in o.afspraak.categorieen),
            )
            for o in oordelen
        ],
        personen=vragen.personen,
        ontvanger_sleutel=vragen.ontvanger_sleutel,
        reageer_uiterlijk=nu + dt.timedelta(hours=uren),
        nieuw_id=lambda: str(uuid.uuid4()),
        nu=nu,
        door=door,
        schuldenoverzicht=schuldenoverzicht,
    )
    async with uow:
        await uow.informatieverzoeken.add(verzoek)
        await uow.commit()
    return verzoek.informatieverzoek_id


async def lees_informatieverzoek(
    informatieverzoek_id: str, uow: UnitOfWork, *, verzoeker: str | None
) -> Informatieverzoek:
    """The request, for its requester (``verzoeker``) or an operator (None); not found for
    anyone else: that a request about a household exists is itself sensitive."""
    async with uow:
        verzoek = await uow.informatieverzoeken.get(informatieverzoek_id)
    if verzoek is None or (verzoeker is not None and verzoek.verzoeker != verzoeker):
        raise NietGevonden(
            f"informatieverzoek {informatieverzoek_id} not found", field="informatieverzoek_id"
        )
    return verzoek


async def lijst_informatieverzoeken(
    casus_id: str, verzoeker: str, pagina: Pagina, uow: UnitOfWork
) -> tuple[list[Informatieverzoek], int]:
    """The requester's own requests on a casus, newest first."""
    async with uow:
        if await uow.casussen.get(casus_id) is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        ids, totaal = await uow.informatieverzoeken.van_casus(
            casus_id, verzoeker, pagina, schuldenoverzicht=None
        )
        verzoeken = [await uow.informatieverzoeken.get(i) for i in ids]
    return [v for v in verzoeken if v is not None], totaal


def open_inhoud(inhoud: str | None, deps: Deps) -> str | None:
    """Content sealed for the hub, opened (None when purged or not for the hub's key)."""
    if inhoud is None:
        return None
    try:
        return open_sealed(inhoud, deps.secrets.bsn_sleutel)
    except SealError:
        log.warning("information content does not open with the hub's key")
        return None


async def registreer_inzage(
    verzoek: Informatieverzoek, uow: UnitOfWork, *, door: str, actie: str
) -> None:
    """Audit that ``door`` read the opened content of a request."""
    async with uow:
        uow.audit.record(
            actor=door,
            actie=actie,
            casus_id=verzoek.casus_id,
            details={
                "informatieverzoek_id": verzoek.informatieverzoek_id,
                "gegevens": sum(
                    1 for v in verzoek.vragen for g in v.gegevens if g.inhoud is not None
                ),
            },
        )
        await uow.commit()


def heeft_leesbare_inhoud(verzoek: Informatieverzoek) -> bool:
    return verzoek.ontvanger is Ontvanger.HUB and any(
        g.inhoud is not None for v in verzoek.vragen for g in v.gegevens
    )


def antwoord_status(data: Any) -> VerzoekStatus:
    """The status an answer gives its question, as the metrics count it (the aggregate decides
    the stored one)."""
    if isinstance(data, InformatieGeweigerd):
        return VerzoekStatus.REFUSED
    if data.niet_verstrekt:
        return VerzoekStatus.PARTIALLY_CONFIRMED
    return VerzoekStatus.CONFIRMED


async def _beantwoord(
    instrument_id: str, uitvoerder: str, data: Any, uow: UnitOfWork, *, door: str, event_id: str
) -> bool:
    verzoek = await uow.informatieverzoeken.get(instrument_id, for_update=True)
    if verzoek is None:
        raise LookupError(f"informatieverzoek {instrument_id} is gone")
    nu = uow.clock()
    if isinstance(data, InformatieGeweigerd):
        gewijzigd = verzoek.neem_geweigerd(
            uitvoerder,
            Weigering(
                instructie_id=data.verzoek_event_id,
                verzoek_id=data.verzoek_id,
                redencode=data.redencode.value,
                reden=data.reden,
                geweigerd_op=data.geweigerd_op,
            ),
            nu=nu,
            door=door,
            antwoord_id=event_id,
        )
    else:
        assert isinstance(data, InformatieVerstrekt)
        gewijzigd = verzoek.neem_verstrekt(
            uitvoerder,
            Verstrekking(
                instructie_id=data.verzoek_event_id,
                verzoek_id=data.verzoek_id,
                gevraagde_categorieen=tuple(c.value for c in data.gevraagde_categorieen),
                gegevens=tuple(
                    OntvangenGegeven(
                        categorie=g.categorie.value,
                        pseudoniem=g.pseudoniem,
                        peildatum=g.peildatum,
                        inhoud=g.inhoud,
                        ontvangen_op=nu,
                    )
                    for g in data.gegevens
                ),
                niet_verstrekt=tuple(
                    NietGegeven(n.categorie.value, n.redencode.value) for n in data.niet_verstrekt
                ),
                verstrekt_op=data.verstrekt_op,
            ),
            nu=nu,
            door=door,
            antwoord_id=event_id,
        )
    if gewijzigd:
        await uow.informatieverzoeken.save_antwoord(verzoek, verzoek.verzoek(data.verzoek_event_id))
    return gewijzigd


ANTWOORD_ROUTE = Route(
    antwoorden=(InformatieVerstrekt, InformatieGeweigerd),
    instructie_id=lambda data: data.verzoek_event_id,
    uitvoerder=lambda data: data.verstrekker.value,
    status=lambda data: antwoord_status(data).value,
    beantwoord=_beantwoord,
)
"""How this instrument's answers are read and applied (listed in ``hub.bootstrap``)."""


MAX_IN_DOSSIER = 100
"""How many information requests (and debt overviews) the casus view lists; the paged list
``GET /api/v1/casussen/{id}/informatieverzoeken`` has every one."""


async def _van_loket(uow: UnitOfWork, casus_id: str, *, schuldenoverzicht: bool) -> list[str]:
    ids, _ = await uow.informatieverzoeken.van_casus(
        casus_id, LOKET, Pagina(1, MAX_IN_DOSSIER), schuldenoverzicht=schuldenoverzicht
    )
    return ids


async def _verzoeken(uow: UnitOfWork, casus_id: str) -> list[str]:
    return await _van_loket(uow, casus_id, schuldenoverzicht=False)


async def _overzichten(uow: UnitOfWork, casus_id: str) -> list[str]:
    return await _van_loket(uow, casus_id, schuldenoverzicht=True)


INSTRUMENTLIJSTEN = (
    Instrumentlijst(
        "informatieverzoeken",
        "Ids of the loket's information requests on it, newest first (at most 100; "
        "GET /api/v1/casussen/{id}/informatieverzoeken pages through all).",
        _verzoeken,
    ),
    Instrumentlijst(
        "schuldenoverzichten",
        "Ids of the loket's debt overviews of it, newest first (at most 100).",
        _overzichten,
    ),
)
"""The casus view's lists of information requests and debt overviews."""
