"""SIMULATOR of the CAK back-office: the *incassostop* API (v1).

The CAK collects the *bestuursrechtelijke premie* Zvw (the premium of someone reported by their
health insurer for six months' arrears, the *wanbetalersregeling*), often by deduction at source
(*broninhouding*) from wage or benefit, and the personal contributions (*eigen bijdrage*) for
Wlz and Wmo care. Each claim is a *regeling* under its ``regelingsnummer``. The API speaks
snake_case and answers errors as a list: ``{"fouten": [{"code", "omschrijving"}]}``.

``POST /cak/api/v1/incassostops`` stops collection of the *regelingen* of one or more persons
(*relaties*), idempotent on ``berichtkenmerk``. Dates are inclusive. Rules:

- the stop starts no earlier than the first day of the current month: the CAK bills per calendar
  month and does not reopen a month already invoiced (422 ``INGANGSDATUM_VOOR_LOPENDE_MAAND``);
- a person it does not know: 422 ``RELATIE_ONBEKEND``;
- a *regeling* handed over to the CJIB for collection (``overgedragen_aan_cjib``: unpaid
  *bestuursrechtelijke premie* goes to the CJIB under a *dwangbevel*) is no longer the CAK's to
  stop: ``NIET_GESTOPT`` with ``reden_code`` ``OVERGEDRAGEN_AAN_CJIB``; an unknown number is
  ``NIET_GESTOPT`` with ``REGELING_ONBEKEND``;
- when nothing in scope can be stopped the request is refused (422, with the per-claim
  results): ``ALLE_REGELINGEN_OVERGEDRAGEN`` when every one is with the CJIB,
  ``GEEN_STOPBARE_REGELINGEN`` otherwise.

Answer 201 ``{"cak_referentie": "CAK-OPS-<year>-<n>", "status", "regelingen": [...]}``.

``POST /cak/api/v1/incassostops/{cak_referentie}/verlengingen`` (``nieuwe_einddatum``, inclusive)
and ``POST /cak/api/v1/incassostops/{cak_referentie}/beeindigingen`` (``hervatten_per``: the first
day collection resumes, default today) change a stop, idempotent on their own ``berichtkenmerk``.
Answer 200 with the stop as it now stands and ``mutatiekenmerk`` ``CAK-MUT-<year>-<n>``. 404
``INCASSOSTOP_ONBEKEND``; 422 ``INCASSOSTOP_BEEINDIGD`` (ended before, or over),
``EINDDATUM_NIET_LATER``, ``HERVATTEN_NA_EINDDATUM``.

``GET /cak/api/v1/incassostops?berichtkenmerk=...`` finds the stop a message registered
(``{"resultaten": [...]}``). ``POST /cak/api/v1/gegevensleveringen`` answers queries (see
:mod:`.levering`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from simulators.cak import levering
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

NAAM = "cak"
DEELNAME = Deelnamestijl(
    prefix="/cak/api/v1",
    referentieprefix="CAK",
    onbekend="RELATIE_ONBEKEND",
    sleutelveld="verzoek_id",
    personenveld="relaties",
    referentieveld="cak_referentie",
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")

log = logger(NAAM)


class SnakeModel(BaseModel):
    """A CAK request body: snake_case, unknown fields refused."""

    model_config = ConfigDict(extra="forbid")


class Incassomaatregel(StrEnum):
    """The CAK's own codes for what a stop covers."""

    INCASSO = "INCASSO"
    BRONINHOUDING = "BRONINHOUDING"
    VERREKENING = "VERREKENING"
    AANMANINGSKOSTEN = "AANMANINGSKOSTEN"
    WETTELIJKE_RENTE = "WETTELIJKE_RENTE"
    OVERDRACHT_CJIB = "OVERDRACHT_CJIB"


# --- seed shape -----------------------------------------------------------------------------


class SeedBetalingsregeling(SnakeModel):
    regeling_id: str
    termijnbedrag: str
    termijnen: int = Field(ge=1)
    startdatum: dt.date


class SeedRegeling(SnakeModel):
    regelingsnummer: str = Field(pattern=r"^[A-Z]{3}-[0-9]{4}-[0-9]{6}$")
    soort: str
    hoofdsom: str | None = Field(default=None, description="Default: openstaand.")
    openstaand: str
    maatregelen: list[Incassomaatregel] = Field(default_factory=list)
    bezwaar: bool = False
    overgedragen_aan_cjib: bool = False
    betalingsregeling: SeedBetalingsregeling | None = None


class SeedBroninhouding(SnakeModel):
    kenmerk: str
    regelingsnummer: str
    inhoudingsplichtige: str
    maandbedrag: str
    sinds: dt.date


class SeedWanbetalersregistratie(SnakeModel):
    aangemeld_op: dt.date
    zorgverzekeraar: str
    achterstand_maanden: int = Field(ge=0)
    status: str


class SeedRelatie(SnakeModel):
    bsn: Bsn
    relatienummer: str
    naam: str
    afscherming: bool = False
    regelingen: list[SeedRegeling] = Field(default_factory=list)
    broninhoudingen: list[SeedBroninhouding] = Field(default_factory=list)
    wanbetalersregistratie: SeedWanbetalersregistratie | None = None


def lees_vordering(data: dict[str, Any]) -> Vordering:
    r = SeedRegeling.model_validate(data)
    return Vordering(
        nummer=r.regelingsnummer,
        soort=r.soort,
        bedrag=r.openstaand,
        in_beroep=r.bezwaar,
        gegevens=r.model_dump(mode="json"),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    r = SeedRelatie.model_validate(data)
    return Persoon(
        bsn=r.bsn,
        intern_id=r.relatienummer,
        naam=r.naam,
        vorderingen={g.regelingsnummer: lees_vordering(g.model_dump()) for g in r.regelingen},
        gegevens=r.model_dump(mode="json", include={"broninhoudingen", "wanbetalersregistratie"}),
        afgeschermd=r.afscherming,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(p) for p in seed.get("relaties", [])]


def fout(code: str, omschrijving: str) -> dict[str, Any]:
    return {"fouten": [{"code": code, "omschrijving": omschrijving}]}


# --- API shape ------------------------------------------------------------------------------


class Relatie(SnakeModel):
    bsn: Bsn


class Incassostopverzoek(SnakeModel):
    berichtkenmerk: str = Field(min_length=1, max_length=64)
    afzender_oin: str = Field(pattern=r"^[0-9]{20}$")
    relaties: list[Relatie] = Field(min_length=1)
    regelingsnummers: list[str] | None = None
    ingangsdatum: dt.date
    einddatum: dt.date
    maatregelen: list[Incassomaatregel] = Field(min_length=1)
    wettelijke_grondslag: str = Field(min_length=1)
    motivatie: str = Field(min_length=1)

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.einddatum < self.ingangsdatum:
            raise ValueError("einddatum ligt voor ingangsdatum")
        return self


def _regelingresultaten(gevraagd: list[str], eigen: dict[str, Vordering]) -> list[dict[str, Any]]:
    resultaten = []
    for nummer in gevraagd:
        regeling = eigen.get(nummer)
        if regeling is None:
            reden: str | None = "REGELING_ONBEKEND"
        elif regeling.gegevens.get("overgedragen_aan_cjib"):
            reden = "OVERGEDRAGEN_AAN_CJIB"
        else:
            reden = None
        resultaten.append(
            {
                "regelingsnummer": nummer,
                "resultaat": "GESTOPT" if reden is None else "NIET_GESTOPT",
                "reden_code": reden,
            }
        )
    return resultaten


def behandel(
    verzoek: Incassostopverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The CAK's rules; returns HTTP status and body."""
    if verzoek.ingangsdatum < vandaag.replace(day=1):
        return 422, fout(
            "INGANGSDATUM_VOOR_LOPENDE_MAAND",
            "Een incassostop gaat op zijn vroegst in op de eerste dag van de lopende maand.",
        )
    personen: list[Persoon] = []
    for r in verzoek.relaties:
        persoon = register.persoon(r.bsn)
        if persoon is None:
            return 422, fout("RELATIE_ONBEKEND", "Relatie is niet bekend bij het CAK.")
        personen.append(persoon)
    eigen = {nr: v for p in personen for nr, v in p.vorderingen.items()}
    gevraagd = list(eigen) if verzoek.regelingsnummers is None else verzoek.regelingsnummers
    regelingen = _regelingresultaten(gevraagd, eigen)
    gestopt = [r["regelingsnummer"] for r in regelingen if r["resultaat"] == "GESTOPT"]
    if not gestopt:
        if regelingen and all(r["reden_code"] == "OVERGEDRAGEN_AAN_CJIB" for r in regelingen):
            return 422, {
                **fout(
                    "ALLE_REGELINGEN_OVERGEDRAGEN",
                    "Alle regelingen zijn overgedragen aan het CJIB; het CAK int ze niet meer.",
                ),
                "regelingen": regelingen,
            }
        return 422, {
            **fout("GEEN_STOPBARE_REGELINGEN", "Er is geen regeling die kan worden gestopt."),
            "regelingen": regelingen,
        }
    referentie = f"CAK-OPS-{vandaag.year}-{register.volgnummer():06d}"
    register.registreer(
        Opschorting(
            referentie=referentie,
            sleutel=verzoek.berichtkenmerk,
            personen=tuple(p.intern_id for p in personen),
            vorderingen=tuple(gestopt),
            van=verzoek.ingangsdatum,
            tot_en_met=verzoek.einddatum,
            maatregelen=tuple(m.value for m in verzoek.maatregelen),
        )
    )
    log.info("incassostop %s geregistreerd, %d regelingen", referentie, len(gestopt))
    return 201, {
        "cak_referentie": referentie,
        "status": "ACTIEF" if verzoek.ingangsdatum <= vandaag else "INGEPLAND",
        "ingangsdatum": verzoek.ingangsdatum.isoformat(),
        "einddatum": verzoek.einddatum.isoformat(),
        "regelingen": regelingen,
    }


class Verlenging(SnakeModel):
    berichtkenmerk: str = Field(min_length=1, max_length=64)
    afzender_oin: str = Field(pattern=r"^[0-9]{20}$")
    nieuwe_einddatum: dt.date
    motivatie: str = Field(min_length=1)


class Beeindiging(SnakeModel):
    berichtkenmerk: str = Field(min_length=1, max_length=64)
    afzender_oin: str = Field(pattern=r"^[0-9]{20}$")
    hervatten_per: dt.date | None = Field(
        default=None, description="First day collection resumes (default today)."
    )
    motivatie: str = Field(min_length=1)


def _status(stop: Opschorting, vandaag: dt.date) -> str:
    if stop.afgelopen(vandaag):
        return "BEEINDIGD"
    return "INGEPLAND" if stop.van > vandaag else "ACTIEF"


def _stop_json(stop: Opschorting, vandaag: dt.date) -> dict[str, Any]:
    return {
        "cak_referentie": stop.referentie,
        "berichtkenmerk": stop.sleutel,
        "status": _status(stop, vandaag),
        "ingangsdatum": stop.van.isoformat(),
        "einddatum": stop.tot_en_met.isoformat(),
        "regelingsnummers": list(stop.vorderingen),
    }


def wijzig(
    referentie: str, wijziging: Verlenging | Beeindiging, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The CAK's rules for an extension or an ending; returns HTTP status and body."""
    stop = register.opschorting(referentie)
    if stop is None:
        return 404, fout(
            "INCASSOSTOP_ONBEKEND", "Het CAK kent geen incassostop met deze referentie."
        )
    if stop.afgelopen(vandaag):
        return 422, fout(
            "INCASSOSTOP_BEEINDIGD", f"Deze incassostop is al beeindigd ({stop.tot_en_met})."
        )
    kenmerk = wijziging.berichtkenmerk
    if isinstance(wijziging, Verlenging):
        if wijziging.nieuwe_einddatum <= stop.tot_en_met:
            return 422, fout(
                "EINDDATUM_NIET_LATER", f"De nieuwe einddatum moet na {stop.tot_en_met} liggen."
            )
        mutatie = f"CAK-MUT-{vandaag.year}-{register.volgnummer():06d}"
        stop.verleng(wijziging.nieuwe_einddatum, referentie=mutatie, sleutel=kenmerk)
        soort = WijzigingSoort.VERLENGING
    else:
        per = wijziging.hervatten_per or vandaag
        if per > stop.tot_en_met + dt.timedelta(days=1):
            return 422, fout(
                "HERVATTEN_NA_EINDDATUM", f"De incassostop loopt al af op {stop.tot_en_met}."
            )
        mutatie = f"CAK-MUT-{vandaag.year}-{register.volgnummer():06d}"
        stop.hef_op(per, referentie=mutatie, sleutel=kenmerk)
        soort = WijzigingSoort.OPHEFFING
    log.info("incassostop %s: %s (%s)", stop.referentie, soort.value, mutatie)
    return 200, {**_stop_json(stop, vandaag), "mutatiekenmerk": mutatie}


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/cak/api/v1", tags=["incassostops"])

    @router.post("/incassostops", status_code=201)
    async def incassostop(verzoek: Incassostopverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.berichtkenmerk,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register, vandaag()),
        )

    @router.get("/incassostops")
    async def zoek(
        kenmerk: Annotated[str, Query(alias="berichtkenmerk", min_length=1)],
    ) -> JSONResponse:
        register = simulator.register
        with register.lock:
            stop = register.opschorting_met_sleutel(kenmerk)
            resultaten = [] if stop is None else [_stop_json(stop, vandaag())]
        return JSONResponse({"resultaten": resultaten, "aantal": len(resultaten)})

    @router.post("/incassostops/{cak_referentie}/verlengingen")
    async def verlenging(cak_referentie: str, verzoek: Verlenging) -> JSONResponse:
        return simulator.idempotent(
            verzoek.berichtkenmerk,
            {
                "cak_referentie": cak_referentie,
                "soort": "verlenging",
                **verzoek.model_dump(mode="json"),
            },
            lambda register: wijzig(cak_referentie, verzoek, register, vandaag()),
        )

    @router.post("/incassostops/{cak_referentie}/beeindigingen")
    async def beeindiging(cak_referentie: str, verzoek: Beeindiging) -> JSONResponse:
        return simulator.idempotent(
            verzoek.berichtkenmerk,
            {
                "cak_referentie": cak_referentie,
                "soort": "beeindiging",
                **verzoek.model_dump(mode="json"),
            },
            lambda register: wijzig(cak_referentie, verzoek, register, vandaag()),
        )

    @router.post("/gegevensleveringen", tags=["gegevensleveringen"])
    async def gegevenslevering(verzoek: levering.Leveringsverzoek) -> JSONResponse:
        return simulator.bevraag(
            verzoek.berichtkenmerk,
            verzoek.model_dump(mode="json"),
            lambda register: levering.lever(verzoek, register, vandaag()),
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
    app = maak_app(titel="CAK", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
