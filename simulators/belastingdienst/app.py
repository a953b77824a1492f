"""SIMULATOR of the Belastingdienst (tax) back-office: the *invorderingsstop* API.

``POST /api/v1/invorderingsstops`` registers a stop on the collection of tax assessments
(*aanslagen*) of one or more taxpayers (*belastingplichtigen*). Idempotent on ``verzoekKenmerk``.
``POST /api/v1/inlichtingenverzoeken`` answers queries (see :mod:`.inlichtingen`).

Refusals (HTTP 422, body ``{"foutcode", "omschrijving"}``):
- ``TERMIJN_TE_LANG``: the stop would last longer than 12 months;
- ``BELASTINGPLICHTIGE_ONBEKEND``: a taxpayer in the request is not known.
Assessment numbers that are not the taxpayers' are reported per assessment as ``NIET_GESTOPT``.

A registered stop is changed under its ``stopKenmerk``, each change idempotent on its own
``verzoekKenmerk`` (the same key with other content: 409 ``SLEUTEL_HERGEBRUIKT``); the taxpayers
must be named again and must be the stop's own:

- ``POST /api/v1/invorderingsstops/{stopKenmerk}/verlengingen`` (``nieuweEinddatum``, inclusive)
  extends it: 201 with a ``verlengingKenmerk``. Refused (422) with ``TERMIJN_TE_LANG`` when the
  whole stop, from its ``ingangsdatum``, would then last longer than 12 months,
  ``EINDDATUM_NIET_LATER`` when it would not end later, ``STOP_BEEINDIGD`` when the stop was
  ended or has run out;
- ``POST /api/v1/invorderingsstops/{stopKenmerk}/beeindigingen`` (``beeindigdPer``, the first day
  collection resumes; default today) ends it early: 201 with a ``beeindigingKenmerk``. Refused
  with ``STOP_BEEINDIGD`` (ended before, or run out) and ``BEEINDIGDPER_NA_EINDDATUM`` (the stop
  ends earlier by itself);
- both: 404 ``STOP_ONBEKEND`` for an unknown ``stopKenmerk``, 422 ``BELASTINGPLICHTIGE_ONBEKEND``
  or ``BELASTINGPLICHTIGE_WIJKT_AF`` when the taxpayers are not the stop's.

``GET /api/v1/invorderingsstops?verzoekKenmerk=...`` finds a stop by the key of the request that
registered it (``{"invorderingsstops": [...]}``, empty when there is none).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

from simulators.belastingdienst import inlichtingen
from simulators.common import (
    Bsn,
    CamelModel,
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

NAAM = "belastingdienst"
DEELNAME = Deelnamestijl(
    prefix="/api/v1",
    referentieprefix="BD",
    onbekend="BELASTINGPLICHTIGE_ONBEKEND",
    sleutelveld="kenmerkAanvrager",
    personenveld="belastingplichtigen",
    referentieveld="kenmerk",
    bedrag_in_centen=False,
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")
MAX_TERMIJN_MAANDEN = 12

log = logger(NAAM)


class Maatregel(StrEnum):
    """The Belastingdienst's own codes for what a stop covers."""

    UITSTEL_BETALING = "UITSTEL_BETALING"
    BESLAG_OPSCHORTEN = "BESLAG_OPSCHORTEN"
    VERREKENING_AANHOUDEN = "VERREKENING_AANHOUDEN"
    KOSTEN_NIET_IN_REKENING = "KOSTEN_NIET_IN_REKENING"
    RENTE_NIET_IN_REKENING = "RENTE_NIET_IN_REKENING"
    DWANGBEVEL_AANHOUDEN = "DWANGBEVEL_AANHOUDEN"


# --- seed shape -----------------------------------------------------------------------------


class SeedBetalingsregeling(CamelModel):
    regelingnummer: str
    termijnbedrag: str
    aantal_termijnen: int = Field(ge=1)
    ingangsdatum: dt.date


class SeedAanslag(CamelModel):
    aanslagnummer: str = Field(pattern=r"^[0-9]{4}\.[A-Z]{2,4}\.[0-9]{6}$")
    middel: str
    belastingjaar: int
    oorspronkelijk_bedrag: str | None = Field(default=None, description="Default: openstaand.")
    openstaand_bedrag: str
    invorderingsmaatregelen: list[str] = Field(default_factory=list)
    bezwaar_of_beroep: bool = False
    betalingsregeling: SeedBetalingsregeling | None = None


class SeedToeslag(CamelModel):
    toeslag: str
    berekeningsjaar: int
    voorschot_per_maand: str


class SeedInkomen(CamelModel):
    belastingjaar: int
    verzamelinkomen: str
    bron: str


class SeedVerrekening(CamelModel):
    aanslagnummer: str
    verrekend_met: str
    bedrag_per_maand: str
    sinds: dt.date


class SeedBelastingplichtige(CamelModel):
    bsn: Bsn
    relatienummer: str
    naam: str
    afgeschermd: bool = False
    aanslagen: list[SeedAanslag] = Field(default_factory=list)
    toeslagen: list[SeedToeslag] = Field(default_factory=list)
    inkomen: SeedInkomen | None = None
    verrekeningen: list[SeedVerrekening] = Field(default_factory=list)


def lees_vordering(data: dict[str, Any]) -> Vordering:
    a = SeedAanslag.model_validate(data)
    return Vordering(
        nummer=a.aanslagnummer,
        soort=f"{a.middel} {a.belastingjaar}",
        bedrag=a.openstaand_bedrag,
        in_beroep=a.bezwaar_of_beroep,
        gegevens=a.model_dump(mode="json", by_alias=True),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    b = SeedBelastingplichtige.model_validate(data)
    return Persoon(
        bsn=b.bsn,
        intern_id=b.relatienummer,
        naam=b.naam,
        vorderingen={
            a.aanslagnummer: lees_vordering(a.model_dump(by_alias=True)) for a in b.aanslagen
        },
        gegevens=b.model_dump(
            mode="json", by_alias=True, include={"toeslagen", "inkomen", "verrekeningen"}
        ),
        afgeschermd=b.afgeschermd,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(p) for p in seed.get("belastingplichtigen", [])]


def fout(code: str, omschrijving: str) -> dict[str, Any]:
    return {"foutcode": code, "omschrijving": omschrijving}


# --- API shape ------------------------------------------------------------------------------


class Belastingplichtige(CamelModel):
    bsn: Bsn


class InvorderingsstopVerzoek(CamelModel):
    verzoek_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    belastingplichtigen: list[Belastingplichtige] = Field(min_length=1)
    aanslagnummers: list[str] | None = None
    ingangsdatum: dt.date
    einddatum: dt.date
    maatregelen: list[Maatregel] = Field(min_length=1)
    grondslag: str = Field(min_length=1)
    toelichting: str = Field(min_length=1)

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.einddatum < self.ingangsdatum:
            raise ValueError("einddatum ligt voor ingangsdatum")
        return self


def _plus_maanden(datum: dt.date, maanden: int) -> dt.date:
    jaar, maand = divmod(datum.month - 1 + maanden, 12)
    jaar, maand = datum.year + jaar, maand + 1
    return dt.date(jaar, maand, min(datum.day, calendar.monthrange(jaar, maand)[1]))


def behandel(
    verzoek: InvorderingsstopVerzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The Belastingdienst's rules; returns HTTP status and body."""
    if verzoek.einddatum >= _plus_maanden(verzoek.ingangsdatum, MAX_TERMIJN_MAANDEN):
        return 422, fout(
            "TERMIJN_TE_LANG",
            f"Een invorderingsstop duurt ten hoogste {MAX_TERMIJN_MAANDEN} maanden.",
        )
    personen: list[Persoon] = []
    for b in verzoek.belastingplichtigen:
        persoon = register.persoon(b.bsn)
        if persoon is None:
            return 422, fout(
                "BELASTINGPLICHTIGE_ONBEKEND",
                "Een of meer belastingplichtigen zijn niet bekend bij de Belastingdienst.",
            )
        personen.append(persoon)

    eigen = {nr: v for p in personen for nr, v in p.vorderingen.items()}
    gevraagd = list(eigen) if verzoek.aanslagnummers is None else verzoek.aanslagnummers
    aanslagen = []
    gestopt: list[str] = []
    for nummer in gevraagd:
        if nummer in eigen:
            gestopt.append(nummer)
            aanslagen.append({"aanslagnummer": nummer, "resultaat": "GESTOPT", "reden": None})
        else:
            aanslagen.append(
                {
                    "aanslagnummer": nummer,
                    "resultaat": "NIET_GESTOPT",
                    "reden": "AANSLAG_NIET_GEVONDEN",
                }
            )
    kenmerk = f"BD-IS-{vandaag.year}-{register.volgnummer():06d}"
    register.registreer(
        Opschorting(
            referentie=kenmerk,
            sleutel=verzoek.verzoek_kenmerk,
            personen=tuple(p.intern_id for p in personen),
            vorderingen=tuple(gestopt),
            van=verzoek.ingangsdatum,
            tot_en_met=verzoek.einddatum,
            maatregelen=tuple(m.value for m in verzoek.maatregelen),
        )
    )
    log.info("invorderingsstop %s geregistreerd, %d aanslagen gestopt", kenmerk, len(gestopt))
    return 201, {
        "stopKenmerk": kenmerk,
        "status": "GEREGISTREERD",
        "ingangsdatum": verzoek.ingangsdatum.isoformat(),
        "einddatum": verzoek.einddatum.isoformat(),
        "maatregelen": [m.value for m in verzoek.maatregelen],
        "aanslagen": aanslagen,
        "geregistreerdOp": vandaag.isoformat(),
    }


class VerlengingVerzoek(CamelModel):
    verzoek_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    belastingplichtigen: list[Belastingplichtige] = Field(min_length=1)
    nieuwe_einddatum: dt.date
    toelichting: str = Field(min_length=1)


class BeeindigingVerzoek(CamelModel):
    verzoek_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    belastingplichtigen: list[Belastingplichtige] = Field(min_length=1)
    beeindigd_per: dt.date | None = Field(
        default=None, description="First day collection resumes; default today."
    )
    toelichting: str = Field(min_length=1)


def _status(stop: Opschorting) -> str:
    if stop.opgeheven:
        return "BEEINDIGD"
    return "VERLENGD" if stop.wijzigingen else "GEREGISTREERD"


def _stop_json(stop: Opschorting) -> dict[str, Any]:
    return {
        "stopKenmerk": stop.referentie,
        "verzoekKenmerk": stop.sleutel,
        "status": _status(stop),
        "ingangsdatum": stop.van.isoformat(),
        "einddatum": stop.tot_en_met.isoformat(),
        "beeindigdPer": stop.opgeheven_per.isoformat() if stop.opgeheven_per else None,
        "aanslagnummers": list(stop.vorderingen),
    }


def _te_wijzigen(
    kenmerk: str,
    belastingplichtigen: list[Belastingplichtige],
    register: Register,
    vandaag: dt.date,
) -> Opschorting | tuple[int, dict[str, Any]]:
    """The stop to change, or the refusal that applies to every change."""
    stop = register.opschorting(kenmerk)
    if stop is None:
        return 404, fout("STOP_ONBEKEND", "Er is geen invorderingsstop met dit kenmerk.")
    relaties = []
    for b in belastingplichtigen:
        persoon = register.persoon(b.bsn)
        if persoon is None:
            return 422, fout(
                "BELASTINGPLICHTIGE_ONBEKEND",
                "Een of meer belastingplichtigen zijn niet bekend bij de Belastingdienst.",
            )
        relaties.append(persoon.intern_id)
    if set(relaties) != set(stop.personen):
        return 422, fout(
            "BELASTINGPLICHTIGE_WIJKT_AF",
            "De belastingplichtigen zijn niet die van deze invorderingsstop.",
        )
    if stop.afgelopen(vandaag):
        return 422, fout("STOP_BEEINDIGD", "Deze invorderingsstop is al beeindigd.")
    return stop


def verleng(
    kenmerk: str, verzoek: VerlengingVerzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """Extend stop ``kenmerk``; returns HTTP status and body."""
    stop = _te_wijzigen(kenmerk, verzoek.belastingplichtigen, register, vandaag)
    if not isinstance(stop, Opschorting):
        return stop
    if verzoek.nieuwe_einddatum <= stop.tot_en_met:
        return 422, fout(
            "EINDDATUM_NIET_LATER",
            f"De nieuwe einddatum moet na de huidige einddatum {stop.tot_en_met} liggen.",
        )
    if verzoek.nieuwe_einddatum >= _plus_maanden(stop.van, MAX_TERMIJN_MAANDEN):
        return 422, fout(
            "TERMIJN_TE_LANG",
            f"Een invorderingsstop duurt ten hoogste {MAX_TERMIJN_MAANDEN} maanden, "
            "verlengingen meegerekend.",
        )
    vorige = stop.tot_en_met
    verlenging = f"BD-VL-{vandaag.year}-{register.volgnummer():06d}"
    stop.verleng(verzoek.nieuwe_einddatum, referentie=verlenging, sleutel=verzoek.verzoek_kenmerk)
    log.info("invorderingsstop %s verlengd (%s)", stop.referentie, verlenging)
    return 201, {
        "verlengingKenmerk": verlenging,
        "stopKenmerk": stop.referentie,
        "status": _status(stop),
        "ingangsdatum": stop.van.isoformat(),
        "vorigeEinddatum": vorige.isoformat(),
        "einddatum": stop.tot_en_met.isoformat(),
        "geregistreerdOp": vandaag.isoformat(),
    }


def beeindig(
    kenmerk: str, verzoek: BeeindigingVerzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """End stop ``kenmerk`` early; returns HTTP status and body."""
    stop = _te_wijzigen(kenmerk, verzoek.belastingplichtigen, register, vandaag)
    if not isinstance(stop, Opschorting):
        return stop
    per = verzoek.beeindigd_per or vandaag
    if per > stop.tot_en_met + dt.timedelta(days=1):
        return 422, fout(
            "BEEINDIGDPER_NA_EINDDATUM",
            f"De invorderingsstop eindigt al op {stop.tot_en_met}.",
        )
    beeindiging = f"BD-BE-{vandaag.year}-{register.volgnummer():06d}"
    stop.hef_op(per, referentie=beeindiging, sleutel=verzoek.verzoek_kenmerk)
    log.info("invorderingsstop %s beeindigd per %s (%s)", stop.referentie, per, beeindiging)
    return 201, {
        "beeindigingKenmerk": beeindiging,
        "stopKenmerk": stop.referentie,
        "status": _status(stop),
        "ingangsdatum": stop.van.isoformat(),
        "einddatum": stop.tot_en_met.isoformat(),
        "beeindigdPer": per.isoformat(),
        "geregistreerdOp": vandaag.isoformat(),
    }


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["invorderingsstops"])

    @router.post("/invorderingsstops", status_code=201)
    async def invorderingsstop(verzoek: InvorderingsstopVerzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_kenmerk,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register, vandaag()),
        )

    @router.get("/invorderingsstops")
    async def zoek(
        verzoek_kenmerk: Annotated[str, Query(alias="verzoekKenmerk", min_length=1)],
    ) -> JSONResponse:
        register = simulator.register
        with register.lock:
            stop = register.opschorting_met_sleutel(verzoek_kenmerk)
            gevonden = [] if stop is None else [_stop_json(stop)]
        return JSONResponse({"invorderingsstops": gevonden})

    @router.post("/invorderingsstops/{stop_kenmerk}/verlengingen", status_code=201)
    async def verlenging(stop_kenmerk: str, verzoek: VerlengingVerzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_kenmerk,
            {
                "stopKenmerk": stop_kenmerk,
                "soort": WijzigingSoort.VERLENGING.value,
                **verzoek.model_dump(mode="json"),
            },
            lambda register: verleng(stop_kenmerk, verzoek, register, vandaag()),
        )

    @router.post("/invorderingsstops/{stop_kenmerk}/beeindigingen", status_code=201)
    async def beeindiging(stop_kenmerk: str, verzoek: BeeindigingVerzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_kenmerk,
            {
                "stopKenmerk": stop_kenmerk,
                "soort": WijzigingSoort.OPHEFFING.value,
                **verzoek.model_dump(mode="json"),
            },
            lambda register: beeindig(stop_kenmerk, verzoek, register, vandaag()),
        )

    @router.post("/inlichtingenverzoeken", tags=["inlichtingen"])
    async def inlichtingenverzoek(verzoek: inlichtingen.Inlichtingenverzoek) -> JSONResponse:
        return simulator.bevraag(
            verzoek.verzoek_kenmerk,
            verzoek.model_dump(mode="json"),
            lambda register: inlichtingen.beantwoord(verzoek, register, vandaag()),
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
    app = maak_app(titel="Belastingdienst", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
