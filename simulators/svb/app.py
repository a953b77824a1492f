"""SIMULATOR of the SVB back-office: the *invorderingsonderbreking* API of its recoveries
(*terugvordering*, v1).

The SVB pays child benefit (*kinderbijslag*, AKW), the state pension (AOW) and survivor's benefit
(ANW), and recovers what it paid unduly (*terugvorderingen*), with administrative fines
(*bestuurlijke boetes*) where the duty to inform was broken; it collects mostly by setting off
against a running benefit (*verrekening*). Every request and answer is an envelope:
``{"metadata": {"correlatieId", "afzender"}, "aanvraag": {...}}`` in,
``{"resultaat": {...}}`` out, and an error ``{"melding": {"code", "tekst", "soort"}}``.

``POST /svb/api/terugvordering/v1/invorderingsonderbrekingen`` interrupts collection of the
recoveries of one or more clients (*klanten*), idempotent on ``metadata.correlatieId``. The period
is ``{begindatum, einddatum}``, both inclusive. Rules:

- an interruption lasts at most 12 months: an ``einddatum`` beyond 12 months after the
  ``begindatum`` is refused (422 ``ONDERBREKING_LANGER_DAN_12_MAANDEN``); so is an extension
  beyond 12 months after the original ``begindatum``;
- a client it does not know: 422 ``KLANT_ONBEKEND``;
- a fraud recovery or an administrative fine (``fraude``) is not interrupted: the SVB's policy on
  recovery after fraud leaves no room (``NIET_ONDERBROKEN``, ``reden`` ``FRAUDEVORDERING``); an
  unknown number is ``NIET_ONDERBROKEN``, ``VORDERING_ONBEKEND``;
- when nothing in scope can be interrupted: 422 ``ALLE_VORDERINGEN_UITGESLOTEN`` when every one is
  a fraud claim, ``GEEN_ONDERBREEKBARE_VORDERINGEN`` otherwise (with the per-claim results).

Answer 201 ``{"resultaat": {"onderbrekingsnummer": "SVB-IO-<year>-<n>", ...}}``.

``POST /svb/api/terugvordering/v1/invorderingsonderbrekingen/{onderbrekingsnummer}/mutaties``
changes one, idempotent on its own ``correlatieId``: ``mutatiesoort`` ``VERLENGING`` with a later
``einddatum``, or ``BEEINDIGING`` with ``einddatum`` the last day of the interruption (default
yesterday). Answer 200 with the interruption as it now stands and its ``mutatienummer``
(``SVB-MU-<year>-<n>``). 404 ``ONDERBREKING_ONBEKEND``; 422 ``ONDERBREKING_BEEINDIGD``,
``EINDDATUM_NIET_LATER``, ``EINDDATUM_NA_HUIDIGE_EINDDATUM``,
``ONDERBREKING_LANGER_DAN_12_MAANDEN``.

``GET /svb/api/terugvordering/v1/invorderingsonderbrekingen?correlatieId=...`` finds the
interruption a request registered. ``POST /svb/api/klantbeeld/v1/bevragingen`` answers queries
(see :mod:`.klantbeeld`).
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
from simulators.svb import klantbeeld
from simulators.svb.klantbeeld import Metadata

NAAM = "svb"
DEELNAME = Deelnamestijl(
    prefix="/svb/api",
    referentieprefix="SVB",
    onbekend="KLANT_ONBEKEND",
    sleutelveld="aanvraagId",
    personenveld="klanten",
    referentieveld="svbNummer",
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")
MAX_MAANDEN = 12
PAD = "/svb/api/terugvordering/v1"

log = logger(NAAM)


class Invorderingsonderdeel(StrEnum):
    """The SVB's own codes for what an interruption covers. It charges no interest on a
    recovery, so there is no code for it."""

    INVORDERING = "INVORDERING"
    BESLAG = "BESLAG"
    VERREKENING = "VERREKENING"
    INCASSOKOSTEN = "INCASSOKOSTEN"
    DWANGBEVEL = "DWANGBEVEL"


# --- seed shape -----------------------------------------------------------------------------


class SeedBetalingsregeling(CamelModel):
    regelingnummer: str
    termijnbedrag: str
    aantal_termijnen: int = Field(ge=1)
    eerste_termijn: dt.date


class SeedVordering(CamelModel):
    vorderingnummer: str = Field(pattern=r"^(TV|BB)-[0-9]{4}-[0-9]{6}$")
    soort: str
    regeling: Literal["AKW", "AOW", "ANW"]
    oorspronkelijk_bedrag: str | None = Field(default=None, description="Default: openstaand.")
    openstaand_bedrag: str
    invorderingsonderdelen: list[Invorderingsonderdeel] = Field(default_factory=list)
    bezwaar_of_beroep: bool = False
    fraude: bool = False
    betalingsregeling: SeedBetalingsregeling | None = None


class SeedUitkering(CamelModel):
    regeling: Literal["AKW", "AOW", "ANW"]
    bedrag_per_periode: str
    periode: Literal["MAAND", "KWARTAAL"]
    sinds: dt.date


class SeedVerrekening(CamelModel):
    kenmerk: str
    vorderingnummer: str
    uitkering: Literal["AKW", "AOW", "ANW"]
    bedrag_per_periode: str
    sinds: dt.date


class SeedKlant(CamelModel):
    bsn: Bsn
    klantnummer: str
    naam: str
    afgeschermd: bool = False
    vorderingen: list[SeedVordering] = Field(default_factory=list)
    uitkeringen: list[SeedUitkering] = Field(default_factory=list)
    verrekeningen: list[SeedVerrekening] = Field(default_factory=list)


def lees_vordering(data: dict[str, Any]) -> Vordering:
    v = SeedVordering.model_validate(data)
    return Vordering(
        nummer=v.vorderingnummer,
        soort=v.soort,
        bedrag=v.openstaand_bedrag,
        in_beroep=v.bezwaar_of_beroep,
        gegevens=v.model_dump(mode="json", by_alias=True),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    k = SeedKlant.model_validate(data)
    return Persoon(
        bsn=k.bsn,
        intern_id=k.klantnummer,
        naam=k.naam,
        vorderingen={
            v.vorderingnummer: lees_vordering(v.model_dump(by_alias=True)) for v in k.vorderingen
        },
        gegevens=k.model_dump(mode="json", by_alias=True, include={"uitkeringen", "verrekeningen"}),
        afgeschermd=k.afgeschermd,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(p) for p in seed.get("klanten", [])]


fout = klantbeeld.fout


def uiterste_einddatum(begindatum: dt.date) -> dt.date:
    """The last day an interruption starting on ``begindatum`` may run: 12 months less a day."""
    try:
        grens = begindatum.replace(year=begindatum.year + MAX_MAANDEN // 12)
    except ValueError:  # 29 February
        grens = begindatum.replace(year=begindatum.year + MAX_MAANDEN // 12, day=28)
    return grens - dt.timedelta(days=1)


def _te_lang(begindatum: dt.date) -> dict[str, Any]:
    return fout(
        "ONDERBREKING_LANGER_DAN_12_MAANDEN",
        f"Een onderbreking duurt ten hoogste {MAX_MAANDEN} maanden "
        f"(uiterlijk tot en met {uiterste_einddatum(begindatum)}).",
    )


# --- API shape ------------------------------------------------------------------------------


class Klant(CamelModel):
    bsn: Bsn


class Periode(CamelModel):
    begindatum: dt.date
    einddatum: dt.date

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.einddatum < self.begindatum:
            raise ValueError("einddatum ligt voor begindatum")
        return self


class OnderbrekingsAanvraag(CamelModel):
    klanten: list[Klant] = Field(min_length=1)
    vorderingnummers: list[str] | None = None
    periode: Periode
    onderdelen: list[Invorderingsonderdeel] = Field(min_length=1)
    grondslag: str = Field(min_length=1)
    toelichting: str = Field(min_length=1)


class Onderbrekingsverzoek(CamelModel):
    metadata: Metadata
    aanvraag: OnderbrekingsAanvraag


def _per_vordering(gevraagd: list[str], eigen: dict[str, Vordering]) -> list[dict[str, Any]]:
    uit = []
    for nummer in gevraagd:
        vordering = eigen.get(nummer)
        if vordering is None:
            reden: str | None = "VORDERING_ONBEKEND"
        elif vordering.gegevens.get("fraude"):
            reden = "FRAUDEVORDERING"
        else:
            reden = None
        uit.append(
            {
                "vorderingnummer": nummer,
                "status": "ONDERBROKEN" if reden is None else "NIET_ONDERBROKEN",
                "reden": reden,
            }
        )
    return uit


def behandel(
    verzoek: Onderbrekingsverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The SVB's rules; returns HTTP status and body."""
    aanvraag = verzoek.aanvraag
    if aanvraag.periode.einddatum > uiterste_einddatum(aanvraag.periode.begindatum):
        return 422, _te_lang(aanvraag.periode.begindatum)
    personen: list[Persoon] = []
    for k in aanvraag.klanten:
        persoon = register.persoon(k.bsn)
        if persoon is None:
            return 422, fout("KLANT_ONBEKEND", "De klant is niet bekend bij de SVB.")
        personen.append(persoon)
    eigen = {nr: v for p in personen for nr, v in p.vorderingen.items()}
    gevraagd = list(eigen) if aanvraag.vorderingnummers is None else aanvraag.vorderingnummers
    vorderingen = _per_vordering(gevraagd, eigen)
    onderbroken = [v["vorderingnummer"] for v in vorderingen if v["status"] == "ONDERBROKEN"]
    if not onderbroken:
        if vorderingen and all(v["reden"] == "FRAUDEVORDERING" for v in vorderingen):
            code, tekst = (
                "ALLE_VORDERINGEN_UITGESLOTEN",
                "Fraudevorderingen worden niet onderbroken.",
            )
        else:
            code, tekst = (
                "GEEN_ONDERBREEKBARE_VORDERINGEN",
                "Geen vordering kan worden onderbroken.",
            )
        return 422, {**fout(code, tekst), "vorderingen": vorderingen}
    nummer = f"SVB-IO-{vandaag.year}-{register.volgnummer():07d}"
    register.registreer(
        Opschorting(
            referentie=nummer,
            sleutel=verzoek.metadata.correlatie_id,
            personen=tuple(p.intern_id for p in personen),
            vorderingen=tuple(onderbroken),
            van=aanvraag.periode.begindatum,
            tot_en_met=aanvraag.periode.einddatum,
            maatregelen=tuple(o.value for o in aanvraag.onderdelen),
        )
    )
    log.info("invorderingsonderbreking %s geregistreerd, %d vorderingen", nummer, len(onderbroken))
    return 201, {
        "resultaat": {
            "onderbrekingsnummer": nummer,
            "status": "LOPEND" if aanvraag.periode.begindatum <= vandaag else "TOEKOMSTIG",
            "periode": aanvraag.periode.model_dump(mode="json"),
            "vorderingen": vorderingen,
        }
    }


class MutatieAanvraag(CamelModel):
    mutatiesoort: Literal["VERLENGING", "BEEINDIGING"]
    einddatum: dt.date | None = None
    toelichting: str = Field(min_length=1)

    @model_validator(mode="after")
    def _einddatum_bij_verlenging(self) -> Self:
        if self.mutatiesoort == "VERLENGING" and self.einddatum is None:
            raise ValueError("een VERLENGING vraagt een einddatum")
        return self


class Mutatieverzoek(CamelModel):
    metadata: Metadata
    aanvraag: MutatieAanvraag


def _status(o: Opschorting, vandaag: dt.date) -> str:
    if o.afgelopen(vandaag):
        return "BEEINDIGD"
    return "TOEKOMSTIG" if o.van > vandaag else "LOPEND"


def _onderbreking_json(o: Opschorting, vandaag: dt.date) -> dict[str, Any]:
    return {
        "onderbrekingsnummer": o.referentie,
        "correlatieId": o.sleutel,
        "status": _status(o, vandaag),
        "periode": {"begindatum": o.van.isoformat(), "einddatum": o.tot_en_met.isoformat()},
        "vorderingnummers": list(o.vorderingen),
    }


def muteer(
    nummer: str, verzoek: Mutatieverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The SVB's rules for a change; returns HTTP status and body."""
    o = register.opschorting(nummer)
    if o is None:
        return 404, fout("ONDERBREKING_ONBEKEND", "De SVB kent geen onderbreking met dit nummer.")
    if o.afgelopen(vandaag):
        return 422, fout(
            "ONDERBREKING_BEEINDIGD", f"Deze onderbreking is beeindigd ({o.tot_en_met})."
        )
    aanvraag = verzoek.aanvraag
    sleutel = verzoek.metadata.correlatie_id
    if aanvraag.mutatiesoort == "VERLENGING":
        nieuw = aanvraag.einddatum or o.tot_en_met
        if nieuw <= o.tot_en_met:
            return 422, fout(
                "EINDDATUM_NIET_LATER", f"De onderbreking loopt al tot {o.tot_en_met}."
            )
        if nieuw > uiterste_einddatum(o.van):
            return 422, _te_lang(o.van)
        mutatienummer = f"SVB-MU-{vandaag.year}-{register.volgnummer():07d}"
        o.verleng(nieuw, referentie=mutatienummer, sleutel=sleutel)
        soort = WijzigingSoort.VERLENGING
    else:
        laatste = aanvraag.einddatum or vandaag - dt.timedelta(days=1)
        if laatste > o.tot_en_met:
            return 422, fout(
                "EINDDATUM_NA_HUIDIGE_EINDDATUM", f"De onderbreking eindigt al op {o.tot_en_met}."
            )
        mutatienummer = f"SVB-MU-{vandaag.year}-{register.volgnummer():07d}"
        o.hef_op(laatste + dt.timedelta(days=1), referentie=mutatienummer, sleutel=sleutel)
        soort = WijzigingSoort.OPHEFFING
    log.info("invorderingsonderbreking %s: %s (%s)", o.referentie, soort.value, mutatienummer)
    return 200, {
        "resultaat": {
            **_onderbreking_json(o, vandaag),
            "mutatie": {"mutatienummer": mutatienummer, "mutatiesoort": aanvraag.mutatiesoort},
        }
    }


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/svb/api", tags=["invorderingsonderbrekingen"])

    @router.post("/terugvordering/v1/invorderingsonderbrekingen", status_code=201)
    async def onderbreking(verzoek: Onderbrekingsverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.metadata.correlatie_id,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register, vandaag()),
        )

    @router.get("/terugvordering/v1/invorderingsonderbrekingen")
    async def zoek(
        correlatie_id: Annotated[str, Query(alias="correlatieId", min_length=1)],
    ) -> JSONResponse:
        register = simulator.register
        with register.lock:
            o = register.opschorting_met_sleutel(correlatie_id)
            gevonden = [] if o is None else [_onderbreking_json(o, vandaag())]
        return JSONResponse({"resultaat": {"onderbrekingen": gevonden}})

    @router.post("/terugvordering/v1/invorderingsonderbrekingen/{nummer}/mutaties")
    async def mutatie(nummer: str, verzoek: Mutatieverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.metadata.correlatie_id,
            {"onderbrekingsnummer": nummer, "mutatie": True, **verzoek.model_dump(mode="json")},
            lambda register: muteer(nummer, verzoek, register, vandaag()),
        )

    @router.post("/klantbeeld/v1/bevragingen", tags=["klantbeeld"])
    async def bevraging(verzoek: klantbeeld.Klantbeeldverzoek) -> JSONResponse:
        return simulator.bevraag(
            verzoek.metadata.correlatie_id,
            verzoek.model_dump(mode="json"),
            lambda register: klantbeeld.beantwoord(verzoek, register, vandaag()),
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
    app = maak_app(titel="SVB", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
