"""SIMULATOR of the IND back-office: the *uitstel van betaling* API of Leges (v1).

The IND's only claims on a person are fees (*leges*) for an application (a residence permit,
family reunification, naturalisation): it has no set-off, garnishment, interest or surcharges,
and collects an unpaid fee by a payment demand (``INNING``) and, last, a writ (``DWANGBEVEL``).
Errors are RFC 9457 problem details (``application/problem+json``: ``type``, ``title``,
``detail`` and the IND's ``code``).

``POST /ind/leges/v1/uitstelverzoeken`` defers payment of the open fees of one or more applicants
(*aanvragers*) from ``uitstelVan`` up to and including ``uitstelTot``, for the ``onderdelen``
named. Idempotent on ``verzoekReferentie``. Answer 201 with the ``uitstelnummer``
(``IND-UIT-<yyyy>-<nnnnnn>``) and per fee whether it is deferred (``uitgesteld``) or why not
(``reden``: ``VOLDAAN`` paid already, ``ONBEKEND`` not the applicants').

Refusals (HTTP 422, problem details):
- ``UITSTEL_MET_TERUGWERKENDE_KRACHT``: ``uitstelVan`` more than 7 days back;
- ``PERSOON_ONBEKEND``: an applicant is not known at the IND;
- ``GEEN_OPENSTAANDE_LEGES``: no fee in scope is open (all paid, or none is the applicants').

Changes, idempotent on their own ``verzoekReferentie``:
- ``POST .../uitstelverzoeken/{uitstelnummer}/verlenging`` ``{"nieuweUitstelTot"}`` (later only);
- ``POST .../uitstelverzoeken/{uitstelnummer}/intrekking`` ``{"betalenVanaf"}``: the deferral
  ends, payment is due again from that day (default today).

Answer 200 with the deferral as it now stands and its ``besluitnummer``. 404
``UITSTEL_ONBEKEND``; 422 ``UITSTEL_VERLOPEN``, ``NIEUWE_DATUM_NIET_LATER``,
``INTREKKING_NA_EINDE``.

``GET /ind/leges/v1/uitstelverzoeken?verzoekReferentie=...`` finds the deferral a request
registered (``{"resultaten": [...]}``). ``POST /ind/leges/v1/overzichten`` answers queries (see
:mod:`.overzicht`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

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
from simulators.ind import overzicht

NAAM = "ind"
DEELNAME = Deelnamestijl(
    prefix="/ind/leges/v1",
    referentieprefix="IND",
    onbekend="PERSOON_ONBEKEND",
    sleutelveld="verzoekId",
    personenveld="aanvragers",
    referentieveld="indNummer",
    bedrag_in_centen=False,
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")
MAX_DAGEN_TERUG = 7

log = logger(NAAM)


class Onderdeel(StrEnum):
    """What a deferral covers: the IND collects a fee in these steps only."""

    INNING = "INNING"
    DWANGBEVEL = "DWANGBEVEL"


# --- seed shape -----------------------------------------------------------------------------


class SeedLeges(CamelModel):
    legesnummer: str = Field(pattern=r"^IND-LG-[0-9]{4}-[0-9]{6}$")
    product: str
    bedrag: str
    status: Literal["OPENSTAAND", "VOLDAAN"] = "OPENSTAAND"
    vervaldatum: dt.date
    lopende_onderdelen: list[Onderdeel] = Field(default_factory=list)
    bezwaar: bool = False


class SeedVerblijf(CamelModel):
    soort: str
    geldig_tot: dt.date | None = None


class SeedAanvraag(CamelModel):
    zaaknummer: str
    product: str
    status: str
    ingediend_op: dt.date


class SeedAanvrager(CamelModel):
    bsn: Bsn
    v_nummer: str = Field(pattern=r"^[0-9]{10}$")
    naam: str
    afgeschermd: bool = False
    leges: list[SeedLeges] = Field(default_factory=list)
    verblijfsstatus: SeedVerblijf | None = None
    aanvragen: list[SeedAanvraag] = Field(default_factory=list)


def lees_vordering(data: dict[str, Any]) -> Vordering:
    leges = SeedLeges.model_validate(data)
    return Vordering(
        nummer=leges.legesnummer,
        soort=f"leges-{leges.product}",
        bedrag=leges.bedrag if leges.status == "OPENSTAAND" else "0.00",
        in_beroep=leges.bezwaar,
        gegevens=leges.model_dump(mode="json", by_alias=True),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    a = SeedAanvrager.model_validate(data)
    return Persoon(
        bsn=a.bsn,
        intern_id=a.v_nummer,
        naam=a.naam,
        vorderingen={
            leges.legesnummer: lees_vordering(leges.model_dump(mode="json", by_alias=True))
            for leges in a.leges
        },
        gegevens=a.model_dump(mode="json", by_alias=True, include={"verblijfsstatus", "aanvragen"}),
        afgeschermd=a.afgeschermd,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(a) for a in seed.get("aanvragers", [])]


def fout(code: str, detail: str) -> dict[str, Any]:
    """A problem-details body with the IND's own ``code``."""
    return {
        "type": f"https://ind.example/problemen/{code.lower().replace('_', '-')}",
        "title": code.replace("_", " ").capitalize(),
        "detail": detail,
        "code": code,
    }


def _problem(status: int, code: str, detail: str) -> tuple[int, dict[str, Any]]:
    return status, {**fout(code, detail), "status": status}


# --- API shape ------------------------------------------------------------------------------


class Aanvrager(CamelModel):
    bsn: Bsn


class Indiener(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")


class Uitstelverzoek(CamelModel):
    verzoek_referentie: str = Field(min_length=1, max_length=64)
    indiener: Indiener
    aanvragers: list[Aanvrager] = Field(min_length=1)
    legesnummers: list[str] | None = None
    uitstel_van: dt.date
    uitstel_tot: dt.date
    onderdelen: list[Onderdeel] = Field(min_length=1)
    grondslag: str = Field(min_length=1)
    motivering: str = Field(min_length=1)

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.uitstel_tot < self.uitstel_van:
            raise ValueError("uitstelTot ligt voor uitstelVan")
        return self


def _leges_regel(nummer: str, vordering: Vordering | None) -> dict[str, Any]:
    if vordering is None:
        return {"legesnummer": nummer, "uitgesteld": False, "reden": "ONBEKEND"}
    if vordering.gegevens.get("status") == "VOLDAAN":
        return {"legesnummer": nummer, "uitgesteld": False, "reden": "VOLDAAN"}
    return {"legesnummer": nummer, "uitgesteld": True, "reden": None}


def behandel(
    verzoek: Uitstelverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The IND's rules for a deferral; returns HTTP status and body."""
    if verzoek.uitstel_van < vandaag - dt.timedelta(days=MAX_DAGEN_TERUG):
        return _problem(
            422,
            "UITSTEL_MET_TERUGWERKENDE_KRACHT",
            f"Uitstel van betaling werkt ten hoogste {MAX_DAGEN_TERUG} dagen terug.",
        )
    aanvragers: list[Persoon] = []
    for a in verzoek.aanvragers:
        persoon = register.persoon(a.bsn)
        if persoon is None:
            return _problem(422, "PERSOON_ONBEKEND", "De aanvrager is niet bekend bij de IND.")
        aanvragers.append(persoon)
    eigen = {nr: v for p in aanvragers for nr, v in p.vorderingen.items()}
    gevraagd = (
        list(eigen) if verzoek.legesnummers is None else list(dict.fromkeys(verzoek.legesnummers))
    )
    regels = [_leges_regel(nr, eigen.get(nr)) for nr in gevraagd]
    uitgesteld = [r["legesnummer"] for r in regels if r["uitgesteld"]]
    if not uitgesteld:
        status, body = _problem(
            422, "GEEN_OPENSTAANDE_LEGES", "Er staan geen leges open waarvoor uitstel kan gelden."
        )
        return status, {**body, "leges": regels}
    uitstelnummer = f"IND-UIT-{vandaag:%Y}-{register.volgnummer():06d}"
    register.registreer(
        Opschorting(
            referentie=uitstelnummer,
            sleutel=verzoek.verzoek_referentie,
            personen=tuple(p.intern_id for p in aanvragers),
            vorderingen=tuple(uitgesteld),
            van=verzoek.uitstel_van,
            tot_en_met=verzoek.uitstel_tot,
            maatregelen=tuple(o.value for o in verzoek.onderdelen),
        )
    )
    log.info("uitstel %s verleend, %d leges", uitstelnummer, len(uitgesteld))
    return 201, {
        "uitstelnummer": uitstelnummer,
        "status": "VERLEEND" if verzoek.uitstel_van <= vandaag else "GEPLAND",
        "uitstelVan": verzoek.uitstel_van.isoformat(),
        "uitstelTot": verzoek.uitstel_tot.isoformat(),
        "onderdelen": [o.value for o in verzoek.onderdelen],
        "leges": regels,
    }


class Verlenging(CamelModel):
    verzoek_referentie: str = Field(min_length=1, max_length=64)
    indiener: Indiener
    nieuwe_uitstel_tot: dt.date
    motivering: str = Field(min_length=1)


class Intrekking(CamelModel):
    verzoek_referentie: str = Field(min_length=1, max_length=64)
    indiener: Indiener
    betalen_vanaf: dt.date | None = None
    motivering: str = Field(min_length=1)


def _uitstel_json(uitstel: Opschorting, vandaag: dt.date) -> dict[str, Any]:
    if uitstel.opgeheven:
        status = "INGETROKKEN"
    elif uitstel.tot_en_met < vandaag:
        status = "VERLOPEN"
    else:
        status = "GEPLAND" if uitstel.van > vandaag else "VERLEEND"
    return {
        "uitstelnummer": uitstel.referentie,
        "verzoekReferentie": uitstel.sleutel,
        "status": status,
        "uitstelVan": uitstel.van.isoformat(),
        "uitstelTot": uitstel.tot_en_met.isoformat(),
        "onderdelen": list(uitstel.maatregelen),
        "legesnummers": list(uitstel.vorderingen),
    }


def wijzig(
    uitstelnummer: str,
    soort: WijzigingSoort,
    referentie: str,
    datum: dt.date | None,
    register: Register,
    vandaag: dt.date,
) -> tuple[int, dict[str, Any]]:
    """The IND's rules for extending (``datum``: the new last day) or withdrawing (``datum``: the
    first day payment is due again) a deferral; returns HTTP status and body."""
    uitstel = register.opschorting(uitstelnummer)
    if uitstel is None:
        return _problem(404, "UITSTEL_ONBEKEND", "Er is geen uitstel met dit nummer.")
    if uitstel.afgelopen(vandaag):
        return _problem(422, "UITSTEL_VERLOPEN", f"Dit uitstel is voorbij ({uitstel.tot_en_met}).")
    nieuw = datum or vandaag
    if soort is WijzigingSoort.VERLENGING and nieuw <= uitstel.tot_en_met:
        return _problem(
            422, "NIEUWE_DATUM_NIET_LATER", f"Het uitstel loopt al tot en met {uitstel.tot_en_met}."
        )
    if soort is WijzigingSoort.OPHEFFING and nieuw > uitstel.tot_en_met + dt.timedelta(days=1):
        return _problem(
            422, "INTREKKING_NA_EINDE", f"Het uitstel eindigt al op {uitstel.tot_en_met}."
        )
    besluitnummer = f"IND-BES-{vandaag:%Y}-{register.volgnummer():06d}"
    if soort is WijzigingSoort.VERLENGING:
        uitstel.verleng(nieuw, referentie=besluitnummer, sleutel=referentie)
    else:
        uitstel.hef_op(nieuw, referentie=besluitnummer, sleutel=referentie)
    log.info("uitstel %s: %s (%s)", uitstelnummer, soort.value, besluitnummer)
    return 200, {**_uitstel_json(uitstel, vandaag), "besluitnummer": besluitnummer}


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/ind/leges/v1", tags=["uitstel van betaling"])

    @router.post("/uitstelverzoeken", status_code=201)
    async def uitstelverzoek(verzoek: Uitstelverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_referentie,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register, vandaag()),
        )

    @router.get("/uitstelverzoeken")
    async def zoek(
        verzoek_referentie: Annotated[str, Query(alias="verzoekReferentie", min_length=1)],
    ) -> JSONResponse:
        with simulator.register.lock:
            uitstel = simulator.register.opschorting_met_sleutel(verzoek_referentie)
            resultaten = [] if uitstel is None else [_uitstel_json(uitstel, vandaag())]
        return JSONResponse({"resultaten": resultaten})

    @router.post("/uitstelverzoeken/{uitstelnummer}/verlenging")
    async def verlenging(uitstelnummer: str, v: Verlenging) -> JSONResponse:
        return simulator.idempotent(
            v.verzoek_referentie,
            {"uitstelnummer": uitstelnummer, **v.model_dump(mode="json")},
            lambda register: wijzig(
                uitstelnummer, WijzigingSoort.VERLENGING, v.verzoek_referentie,
                v.nieuwe_uitstel_tot, register, vandaag(),
            ),
        )  # fmt: skip

    @router.post("/uitstelverzoeken/{uitstelnummer}/intrekking")
    async def intrekking(uitstelnummer: str, i: Intrekking) -> JSONResponse:
        return simulator.idempotent(
            i.verzoek_referentie,
            {"uitstelnummer": uitstelnummer, "intrekking": True, **i.model_dump(mode="json")},
            lambda register: wijzig(
                uitstelnummer, WijzigingSoort.OPHEFFING, i.verzoek_referentie,
                i.betalen_vanaf, register, vandaag(),
            ),
        )  # fmt: skip

    @router.post("/overzichten", tags=["overzichten"])
    async def overzichtvraag(vraag: overzicht.Overzichtvraag) -> JSONResponse:
        return simulator.bevraag(
            vraag.verzoek_referentie,
            vraag.model_dump(mode="json"),
            lambda register: overzicht.beantwoord(vraag, register, vandaag()),
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
    app = maak_app(titel="IND", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
