"""SIMULATOR of the UWV back-office: the *invorderingsstop* API of Terugvordering (v1).

The UWV recovers benefits paid unduly (*terugvorderingen* of WW, WIA, Ziektewet, Wajong) from
its customers (*klanten*), mostly by set-off (*verrekening*) against a running benefit. Its API
speaks snake_case and knows a customer by BSN in the body only.

``POST /uwv/terugvordering/v1/invorderingsstops`` stops collection of the recoveries of one or
more customers for a period (both days inclusive), for the actions named (``acties``: ``INNING``,
``VERREKENING``, ``BESLAG``, ``INCASSOKOSTEN``, ``DWANGBEVEL``). Idempotent on
``aanvraag_kenmerk``. Answer 201 with the ``stopnummer`` (``UWV-IS-<yyyymmdd>-<nnnnn>``) and per
recovery ``GESTOPT`` or ``NIET_GESTOPT`` with its ``reden_code``.

Refusals (HTTP 422, body ``{"meldingen": [{"code", "omschrijving"}]}``):
- ``INGANGSDATUM_TE_VER_TERUG``: a stop works at most 14 days back;
- ``KLANT_NIET_GEVONDEN``: a customer in the request is not known;
- ``GEEN_TERUGVORDERING``: none of the recoveries asked is the customers' (or they have none);
- ``RECHTERLIJKE_VERREKENING``: every recovery in scope is set off by order of a court, and
  ``VERREKENING`` is asked: the UWV cannot stop what a court ordered (per recovery, when only
  some are: ``NIET_GESTOPT`` with that ``reden_code``).

Changes, idempotent on the change's own ``aanvraag_kenmerk``:
- ``PUT .../invorderingsstops/{stopnummer}/einddatum`` ``{"einddatum"}``: extend (only later);
- ``POST .../invorderingsstops/{stopnummer}/beeindiging`` ``{"hervatten_per"}``: end it,
  collection resumes on that day (default today; not after the day after the current end).

Answer 200 with the stop as it now stands and its ``mutatienummer``. 404 ``STOP_NIET_GEVONDEN``;
422 ``STOP_AFGELOPEN`` (ended or over), ``EINDDATUM_NIET_LATER``, ``HERVATTEN_NA_EINDDATUM``.

``GET /uwv/terugvordering/v1/aanvragen/{aanvraag_kenmerk}`` finds the stop a request registered
(404 ``AANVRAAG_NIET_GEVONDEN``). ``POST /uwv/gegevensdiensten/v1/klantbeeld`` answers queries
(see :mod:`.klantbeeld`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from simulators.common import (
    Bsn,
    Opschorting,
    Persoon,
    Register,
    Simulator,
    Vordering,
    WijzigingSoort,
    lees_seedbestand,
    maak_app,
)
from simulators.common.app import logger
from simulators.common.deelname import Deelnamestijl, koppel
from simulators.uwv import klantbeeld

NAAM = "uwv"
DEELNAME = Deelnamestijl(
    prefix="/uwv",
    referentieprefix="UWV",
    onbekend="KLANT_NIET_GEVONDEN",
    sleutelveld="berichtId",
    personenveld="klanten",
    referentieveld="uwvKenmerk",
    bedrag_in_centen=False,
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")
MAX_DAGEN_TERUG = 14

log = logger(NAAM)


class SnakeModel(BaseModel):
    """A UWV request body: snake_case, unknown fields refused."""

    model_config = ConfigDict(extra="forbid")


class Actie(StrEnum):
    """What a stop covers, in the UWV's own codes."""

    INNING = "INNING"
    VERREKENING = "VERREKENING"
    BESLAG = "BESLAG"
    INCASSOKOSTEN = "INCASSOKOSTEN"
    DWANGBEVEL = "DWANGBEVEL"


# --- seed shape -----------------------------------------------------------------------------


class SeedBetalingsregeling(SnakeModel):
    regeling_nummer: str
    termijnbedrag: str
    termijnen_resterend: int
    startdatum: dt.date


class SeedTerugvordering(SnakeModel):
    terugvorderingsnummer: str = Field(pattern=r"^TV-(WW|WIA|ZW|WAJONG)-[0-9]{4}-[0-9]{6}$")
    wet: str
    reden: str
    oorspronkelijk_bedrag: str | None = Field(default=None, description="Default: openstaand.")
    openstaand_bedrag: str
    lopende_acties: list[Actie] = Field(default_factory=list)
    verrekening_per_maand: str | None = None
    rechterlijke_verrekening: bool = False
    """The set-off was ordered by a court: the UWV cannot stop it."""
    bezwaar_lopend: bool = False
    betalingsregeling: SeedBetalingsregeling | None = None


class SeedUitkering(SnakeModel):
    wet: str
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    bruto_per_maand: str


class SeedKlant(SnakeModel):
    bsn: Bsn
    klantnummer: str
    naam: str
    geheimhouding: bool = False
    terugvorderingen: list[SeedTerugvordering] = Field(default_factory=list)
    uitkeringen: list[SeedUitkering] = Field(default_factory=list)


def lees_vordering(data: dict[str, Any]) -> Vordering:
    t = SeedTerugvordering.model_validate(data)
    return Vordering(
        nummer=t.terugvorderingsnummer,
        soort=f"terugvordering-{t.wet.lower()}",
        bedrag=t.openstaand_bedrag,
        in_beroep=t.bezwaar_lopend,
        gegevens=t.model_dump(mode="json"),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    k = SeedKlant.model_validate(data)
    return Persoon(
        bsn=k.bsn,
        intern_id=k.klantnummer,
        naam=k.naam,
        vorderingen={
            t.terugvorderingsnummer: lees_vordering(t.model_dump(mode="json"))
            for t in k.terugvorderingen
        },
        gegevens=k.model_dump(mode="json", include={"uitkeringen"}),
        afgeschermd=k.geheimhouding,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(k) for k in seed.get("klanten", [])]


def fout(code: str, omschrijving: str) -> dict[str, Any]:
    return {"meldingen": [{"code": code, "omschrijving": omschrijving}]}


# --- API shape ------------------------------------------------------------------------------


class Klant(SnakeModel):
    bsn: Bsn


class Stopaanvraag(SnakeModel):
    aanvraag_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    klanten: list[Klant] = Field(min_length=1)
    terugvorderingsnummers: list[str] | None = None
    ingangsdatum: dt.date
    einddatum: dt.date
    acties: list[Actie] = Field(min_length=1)
    wettelijke_grondslag: str = Field(min_length=1)
    toelichting: str = Field(min_length=1)

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.einddatum < self.ingangsdatum:
            raise ValueError("einddatum ligt voor ingangsdatum")
        return self


def _regel(nummer: str, vordering: Vordering | None, acties: list[Actie]) -> dict[str, Any]:
    """One recovery in the answer: stopped, or not with the UWV's ``reden_code``."""
    if vordering is None:
        return {"terugvorderingsnummer": nummer, "status": "NIET_GESTOPT", "reden_code": "ONBEKEND"}
    if Actie.VERREKENING in acties and vordering.gegevens.get("rechterlijke_verrekening"):
        return {
            "terugvorderingsnummer": nummer,
            "status": "NIET_GESTOPT",
            "reden_code": "RECHTERLIJKE_VERREKENING",
        }
    return {"terugvorderingsnummer": nummer, "status": "GESTOPT", "reden_code": None}


def behandel(
    aanvraag: Stopaanvraag, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The UWV's rules for a stop; returns HTTP status and body."""
    if aanvraag.ingangsdatum < vandaag - dt.timedelta(days=MAX_DAGEN_TERUG):
        return 422, fout(
            "INGANGSDATUM_TE_VER_TERUG",
            f"Een invorderingsstop werkt ten hoogste {MAX_DAGEN_TERUG} dagen terug.",
        )
    klanten: list[Persoon] = []
    for k in aanvraag.klanten:
        klant = register.persoon(k.bsn)
        if klant is None:
            return 422, fout("KLANT_NIET_GEVONDEN", "De klant is niet bekend bij UWV.")
        klanten.append(klant)
    eigen = {nr: v for k in klanten for nr, v in k.vorderingen.items()}
    gevraagd = (
        list(eigen)
        if aanvraag.terugvorderingsnummers is None
        else list(dict.fromkeys(aanvraag.terugvorderingsnummers))
    )
    regels = [_regel(nr, eigen.get(nr), aanvraag.acties) for nr in gevraagd]
    gestopt = [r["terugvorderingsnummer"] for r in regels if r["status"] == "GESTOPT"]
    if not any(nr in eigen for nr in gevraagd):
        return 422, fout("GEEN_TERUGVORDERING", "Geen van de terugvorderingen is van de klanten.")
    if not gestopt:
        return 422, {
            **fout(
                "RECHTERLIJKE_VERREKENING",
                "De verrekening is door de rechter opgelegd; UWV kan die niet stoppen.",
            ),
            "terugvorderingen": regels,
        }
    stopnummer = f"UWV-IS-{vandaag:%Y%m%d}-{register.volgnummer():05d}"
    register.registreer(
        Opschorting(
            referentie=stopnummer,
            sleutel=aanvraag.aanvraag_kenmerk,
            personen=tuple(k.intern_id for k in klanten),
            vorderingen=tuple(gestopt),
            van=aanvraag.ingangsdatum,
            tot_en_met=aanvraag.einddatum,
            maatregelen=tuple(a.value for a in aanvraag.acties),
        )
    )
    log.info("invorderingsstop %s geregistreerd, %d terugvorderingen", stopnummer, len(gestopt))
    return 201, {
        "stopnummer": stopnummer,
        "status": "ACTIEF" if aanvraag.ingangsdatum <= vandaag else "TOEKOMSTIG",
        "ingangsdatum": aanvraag.ingangsdatum.isoformat(),
        "einddatum": aanvraag.einddatum.isoformat(),
        "acties": [a.value for a in aanvraag.acties],
        "terugvorderingen": regels,
    }


class Einddatumwijziging(SnakeModel):
    aanvraag_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    einddatum: dt.date
    toelichting: str = Field(min_length=1)


class Beeindiging(SnakeModel):
    aanvraag_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    hervatten_per: dt.date | None = None
    toelichting: str = Field(min_length=1)


def _stop_json(stop: Opschorting, vandaag: dt.date) -> dict[str, Any]:
    if stop.afgelopen(vandaag):
        status = "BEEINDIGD"
    else:
        status = "TOEKOMSTIG" if stop.van > vandaag else "ACTIEF"
    return {
        "stopnummer": stop.referentie,
        "aanvraag_kenmerk": stop.sleutel,
        "status": status,
        "ingangsdatum": stop.van.isoformat(),
        "einddatum": stop.tot_en_met.isoformat(),
        "acties": list(stop.maatregelen),
        "terugvorderingsnummers": list(stop.vorderingen),
    }


def wijzig(
    stopnummer: str,
    soort: WijzigingSoort,
    kenmerk: str,
    datum: dt.date | None,
    register: Register,
    vandaag: dt.date,
) -> tuple[int, dict[str, Any]]:
    """The UWV's rules for extending (``datum``: the new last day) or ending (``datum``: the day
    collection resumes) a stop; returns HTTP status and body."""
    stop = register.opschorting(stopnummer)
    if stop is None:
        return 404, fout("STOP_NIET_GEVONDEN", "Er is geen invorderingsstop met dit nummer.")
    if stop.afgelopen(vandaag):
        return 422, fout("STOP_AFGELOPEN", f"Deze stop is afgelopen (t/m {stop.tot_en_met}).")
    nieuw = datum or vandaag
    if soort is WijzigingSoort.VERLENGING and nieuw <= stop.tot_en_met:
        return 422, fout("EINDDATUM_NIET_LATER", f"De stop loopt al t/m {stop.tot_en_met}.")
    if soort is WijzigingSoort.OPHEFFING and nieuw > stop.tot_en_met + dt.timedelta(days=1):
        return 422, fout("HERVATTEN_NA_EINDDATUM", f"De stop eindigt al op {stop.tot_en_met}.")
    mutatienummer = f"UWV-MUT-{vandaag:%Y%m%d}-{register.volgnummer():05d}"
    if soort is WijzigingSoort.VERLENGING:
        stop.verleng(nieuw, referentie=mutatienummer, sleutel=kenmerk)
    else:
        stop.hef_op(nieuw, referentie=mutatienummer, sleutel=kenmerk)
    log.info("invorderingsstop %s: %s (%s)", stopnummer, soort.value, mutatienummer)
    return 200, {**_stop_json(stop, vandaag), "mutatienummer": mutatienummer}


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/uwv", tags=["invorderingsstops"])
    stops = "/terugvordering/v1/invorderingsstops"

    @router.post(stops, status_code=201)
    async def invorderingsstop(aanvraag: Stopaanvraag) -> JSONResponse:
        return simulator.idempotent(
            aanvraag.aanvraag_kenmerk,
            aanvraag.model_dump(mode="json"),
            lambda register: behandel(aanvraag, register, vandaag()),
        )

    @router.put(stops + "/{stopnummer}/einddatum")
    async def einddatum(stopnummer: str, w: Einddatumwijziging) -> JSONResponse:
        return simulator.idempotent(
            w.aanvraag_kenmerk,
            {"stopnummer": stopnummer, **w.model_dump(mode="json")},
            lambda register: wijzig(
                stopnummer, WijzigingSoort.VERLENGING, w.aanvraag_kenmerk, w.einddatum,
                register, vandaag(),
            ),
        )  # fmt: skip

    @router.post(stops + "/{stopnummer}/beeindiging")
    async def beeindiging(stopnummer: str, b: Beeindiging) -> JSONResponse:
        return simulator.idempotent(
            b.aanvraag_kenmerk,
            {"stopnummer": stopnummer, "beeindiging": True, **b.model_dump(mode="json")},
            lambda register: wijzig(
                stopnummer, WijzigingSoort.OPHEFFING, b.aanvraag_kenmerk, b.hervatten_per,
                register, vandaag(),
            ),
        )  # fmt: skip

    @router.get("/terugvordering/v1/aanvragen/{aanvraag_kenmerk}")
    async def aanvraag(aanvraag_kenmerk: str) -> JSONResponse:
        with simulator.register.lock:
            stop = simulator.register.opschorting_met_sleutel(aanvraag_kenmerk)
            if stop is None:
                return JSONResponse(
                    status_code=404,
                    content=fout("AANVRAAG_NIET_GEVONDEN", "Geen stop bij dit aanvraagkenmerk."),
                )
            return JSONResponse(_stop_json(stop, vandaag()))

    @router.post("/gegevensdiensten/v1/klantbeeld", tags=["klantbeeld"])
    async def klantbeeld_vraag(vraag: klantbeeld.Klantbeeldvraag) -> JSONResponse:
        return simulator.bevraag(
            vraag.aanvraag_kenmerk,
            vraag.model_dump(mode="json"),
            lambda register: klantbeeld.beantwoord(vraag, register, vandaag()),
        )

    return router


def create_app(
    seed: Path | None = None,
    *,
    vandaag: Callable[[], dt.date] = dt.date.today,
    toestand: Path | None = None,
) -> FastAPI:
    simulator = Simulator.uit_seed(
        naam=NAAM,
        seed=lees_seedbestand(seed or SEED),
        lees_personen=lees_personen,
        lees_persoon=lees_persoon,
        lees_vordering=lees_vordering,
        fout=fout,
        toestand=toestand,
    )
    app = maak_app(titel="UWV", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
