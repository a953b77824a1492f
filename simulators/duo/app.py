"""SIMULATOR of the DUO back-office: the *betalingspauze* API (v2).

``POST /duo/v2/betalingspauzes`` pauses repayment and collection of debts (*schulden*: student
debt, tuition fees, travel product) of one or more debtors (*debiteuren*). Idempotent on
``verzoekId``. Dates are inclusive; measures are DUO's numeric ``pauzeSoorten``.

Refusals (HTTP 422, body ``{"fout": {"code", "bericht"}}``):
- ``STARTDATUM_TE_VER_IN_VERLEDEN``: DUO pauses at most 30 days back (no further retroactive pause);
- ``DEBITEUR_ONBEKEND``: a debtor in the request is not known;
- ``SCHULD_ONBEKEND``: none of the debt numbers asked for belongs to the debtors.

``PATCH /duo/v2/betalingspauzes/{duoKenmerk}`` changes a pause, merge-style, idempotent on the
change's own ``verzoekId`` (the same key with other content: 409 ``SLEUTEL_HERGEBRUIKT``):

- ``{"eindDatum": ...}`` alone extends it to that (inclusive) last day; a pause is never shortened
  this way (422 ``EINDDATUM_NIET_LATER``);
- ``{"status": "BEEINDIGD", "eindDatum": ...}`` ends it: ``eindDatum`` is then the last pause day
  (default yesterday, so collection resumes today) and may not lie after the current one (422
  ``EINDDATUM_NA_HUIDIGE_EINDDATUM``).

Answer 200 with the pause as it now stands and the ``mutatie`` made. 404 ``PAUZE_ONBEKEND`` for an
unknown ``duoKenmerk``; 422 ``PAUZE_AL_BEEINDIGD`` when the pause was ended before or its last day
has passed (DUO neither extends nor ends a pause that is over).

``GET /duo/v2/betalingspauzes?verzoekId=...`` finds a pause by the ``verzoekId`` that registered it
(``{"items": [...], "totaal": n}``).

``POST /duo/v2/gegevensopvragingen`` answers queries (see :mod:`.opvraging`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import IntEnum
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
from simulators.duo import opvraging

NAAM = "duo"
DEELNAME = Deelnamestijl(
    prefix="/duo/v2",
    referentieprefix="DUO",
    onbekend="DEBITEUR_ONBEKEND",
    sleutelveld="verzoekKenmerk",
    personenveld="debiteuren",
    referentieveld="duoKenmerk",
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")
MAX_DAGEN_TERUG = 30

log = logger(NAAM)


class PauzeSoort(IntEnum):
    """DUO's own numeric codes for what a pause covers."""

    AFLOSSING = 10
    BESLAG = 20
    VERREKENING = 30
    AANMANINGSKOSTEN = 40
    RENTE = 50
    DWANGBEVEL = 60


# --- seed shape -----------------------------------------------------------------------------


class SeedAflosregeling(CamelModel):
    regeling_id: str
    maandbedrag: str
    draagkrachtmeting: bool
    ingangsdatum: dt.date


class SeedStudiefinanciering(CamelModel):
    lopend: bool
    aflosfase_vanaf: dt.date | None = None
    looptijd_jaren: int
    aflosvrije_maanden_resterend: int


class SeedSchuld(CamelModel):
    schuldnummer: str = Field(pattern=r"^[A-Z]{2}-[0-9]{4}-[0-9]{6}$")
    soort: str
    hoofdsom: str | None = Field(default=None, description="Default: openstaand.")
    openstaand_bedrag: str
    invorderingsstappen: list[PauzeSoort] = Field(default_factory=list)
    bezwaar_lopend: bool = False
    aflosregeling: SeedAflosregeling | None = None


class SeedDebiteur(CamelModel):
    bsn: Bsn
    debiteurnummer: str
    naam: str
    vertrouwelijk: bool = False
    schulden: list[SeedSchuld] = Field(default_factory=list)
    studiefinanciering: SeedStudiefinanciering | None = None


def lees_vordering(data: dict[str, Any]) -> Vordering:
    s = SeedSchuld.model_validate(data)
    return Vordering(
        nummer=s.schuldnummer,
        soort=s.soort,
        bedrag=s.openstaand_bedrag,
        in_beroep=s.bezwaar_lopend,
        gegevens=s.model_dump(mode="json", by_alias=True),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    d = SeedDebiteur.model_validate(data)
    return Persoon(
        bsn=d.bsn,
        intern_id=d.debiteurnummer,
        naam=d.naam,
        vorderingen={
            s.schuldnummer: lees_vordering(s.model_dump(by_alias=True)) for s in d.schulden
        },
        gegevens=d.model_dump(mode="json", by_alias=True, include={"studiefinanciering"}),
        afgeschermd=d.vertrouwelijk,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(p) for p in seed.get("debiteuren", [])]


def fout(code: str, bericht: str) -> dict[str, Any]:
    return {"fout": {"code": code, "bericht": bericht}}


# --- API shape ------------------------------------------------------------------------------


class Debiteur(CamelModel):
    bsn: Bsn


class Opdrachtgever(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")


class Betalingspauzeverzoek(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    opdrachtgever: Opdrachtgever
    debiteuren: list[Debiteur] = Field(min_length=1)
    schuldnummers: list[str] | None = None
    start_datum: dt.date
    eind_datum: dt.date
    pauze_soorten: list[PauzeSoort] = Field(min_length=1)
    wettelijke_grondslag: str = Field(min_length=1)
    motivering: str = Field(min_length=1)

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.eind_datum < self.start_datum:
            raise ValueError("eindDatum ligt voor startDatum")
        return self


def behandel(
    verzoek: Betalingspauzeverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """DUO's rules; returns HTTP status and body."""
    if verzoek.start_datum < vandaag - dt.timedelta(days=MAX_DAGEN_TERUG):
        return 422, fout(
            "STARTDATUM_TE_VER_IN_VERLEDEN",
            f"Een betalingspauze kan ten hoogste {MAX_DAGEN_TERUG} dagen terugwerken.",
        )
    personen: list[Persoon] = []
    for d in verzoek.debiteuren:
        persoon = register.persoon(d.bsn)
        if persoon is None:
            return 422, fout("DEBITEUR_ONBEKEND", "Debiteur is niet bekend bij DUO.")
        personen.append(persoon)

    eigen = {nr: s for p in personen for nr, s in p.vorderingen.items()}
    gevraagd = list(eigen) if verzoek.schuldnummers is None else verzoek.schuldnummers
    schulden = [
        {"schuldnummer": nr, "gepauzeerd": True, "toelichting": None}
        if nr in eigen
        else {"schuldnummer": nr, "gepauzeerd": False, "toelichting": "Schuldnummer onbekend"}
        for nr in gevraagd
    ]
    gepauzeerd = [s["schuldnummer"] for s in schulden if s["gepauzeerd"]]
    if gevraagd and not gepauzeerd:
        return 422, fout("SCHULD_ONBEKEND", "Geen van de schuldnummers hoort bij de debiteuren.")

    kenmerk = f"DUO-BP-{vandaag:%Y%m%d}-{register.volgnummer():05d}"
    register.registreer(
        Opschorting(
            referentie=kenmerk,
            sleutel=verzoek.verzoek_id,
            personen=tuple(p.intern_id for p in personen),
            vorderingen=tuple(str(nr) for nr in gepauzeerd),
            van=verzoek.start_datum,
            tot_en_met=verzoek.eind_datum,
            maatregelen=tuple(str(int(s)) for s in verzoek.pauze_soorten),
        )
    )
    log.info("betalingspauze %s geregistreerd, %d schulden", kenmerk, len(gepauzeerd))
    return 201, {
        "duoKenmerk": kenmerk,
        "status": "ACTIEF" if verzoek.start_datum <= vandaag else "GEPLAND",
        "startDatum": verzoek.start_datum.isoformat(),
        "eindDatum": verzoek.eind_datum.isoformat(),
        "pauzeSoorten": [int(s) for s in verzoek.pauze_soorten],
        "schulden": schulden,
    }


class Betalingspauzemutatie(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    opdrachtgever: Opdrachtgever
    status: Literal["BEEINDIGD"] | None = None
    eind_datum: dt.date | None = None
    motivering: str = Field(min_length=1)

    @model_validator(mode="after")
    def _iets_te_doen(self) -> Self:
        if self.status is None and self.eind_datum is None:
            raise ValueError("geef eindDatum (verlengen) of status BEEINDIGD (beeindigen)")
        return self

    @property
    def soort(self) -> WijzigingSoort:
        return WijzigingSoort.VERLENGING if self.status is None else WijzigingSoort.OPHEFFING


def _pauzestatus(pauze: Opschorting, vandaag: dt.date) -> str:
    if pauze.afgelopen(vandaag):
        return "BEEINDIGD"
    return "GEPLAND" if pauze.van > vandaag else "ACTIEF"


def _pauze_json(pauze: Opschorting, vandaag: dt.date) -> dict[str, Any]:
    return {
        "duoKenmerk": pauze.referentie,
        "verzoekId": pauze.sleutel,
        "status": _pauzestatus(pauze, vandaag),
        "startDatum": pauze.van.isoformat(),
        "eindDatum": pauze.tot_en_met.isoformat(),
        "pauzeSoorten": [int(s) for s in pauze.maatregelen],
        "schuldnummers": list(pauze.vorderingen),
    }


def muteer(
    kenmerk: str, mutatie: Betalingspauzemutatie, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """DUO's rules for a change to a pause; returns HTTP status and body."""
    pauze = register.opschorting(kenmerk)
    if pauze is None:
        return 404, fout("PAUZE_ONBEKEND", "Er is geen betalingspauze met dit kenmerk.")
    if pauze.afgelopen(vandaag):
        return 422, fout(
            "PAUZE_AL_BEEINDIGD",
            f"Deze betalingspauze is al beeindigd (laatste pauzedag {pauze.tot_en_met}).",
        )
    if mutatie.soort is WijzigingSoort.VERLENGING:
        nieuw = mutatie.eind_datum or pauze.tot_en_met
        if nieuw <= pauze.tot_en_met:
            return 422, fout(
                "EINDDATUM_NIET_LATER",
                "Een pauze wordt alleen verlengd; beeindigen gaat met status BEEINDIGD.",
            )
    else:
        nieuw = mutatie.eind_datum or vandaag - dt.timedelta(days=1)
        if nieuw > pauze.tot_en_met:
            return 422, fout(
                "EINDDATUM_NA_HUIDIGE_EINDDATUM",
                f"De pauze eindigt al op {pauze.tot_en_met}.",
            )
    mutatie_id = f"DUO-MUT-{vandaag:%Y%m%d}-{register.volgnummer():05d}"
    if mutatie.soort is WijzigingSoort.VERLENGING:
        pauze.verleng(nieuw, referentie=mutatie_id, sleutel=mutatie.verzoek_id)
    else:
        pauze.hef_op(
            nieuw + dt.timedelta(days=1), referentie=mutatie_id, sleutel=mutatie.verzoek_id
        )
    log.info("betalingspauze %s: %s (%s)", pauze.referentie, mutatie.soort.value, mutatie_id)
    return 200, {
        **_pauze_json(pauze, vandaag),
        "mutatie": {
            "mutatieId": mutatie_id,
            "verzoekId": mutatie.verzoek_id,
            "soort": "VERLENGING" if mutatie.soort is WijzigingSoort.VERLENGING else "BEEINDIGING",
        },
    }


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/duo/v2", tags=["betalingspauzes"])

    @router.post("/betalingspauzes", status_code=201)
    async def betalingspauze(verzoek: Betalingspauzeverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_id,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register, vandaag()),
        )

    @router.get("/betalingspauzes")
    async def zoek(
        verzoek_id: Annotated[str, Query(alias="verzoekId", min_length=1)],
    ) -> JSONResponse:
        register = simulator.register
        with register.lock:
            pauze = register.opschorting_met_sleutel(verzoek_id)
            items = [] if pauze is None else [_pauze_json(pauze, vandaag())]
        return JSONResponse({"items": items, "totaal": len(items)})

    @router.patch("/betalingspauzes/{duo_kenmerk}")
    async def mutatie(duo_kenmerk: str, mutatie: Betalingspauzemutatie) -> JSONResponse:
        return simulator.idempotent(
            mutatie.verzoek_id,
            {"duoKenmerk": duo_kenmerk, "mutatie": True, **mutatie.model_dump(mode="json")},
            lambda register: muteer(duo_kenmerk, mutatie, register, vandaag()),
        )

    @router.post("/gegevensopvragingen", tags=["gegevensopvragingen"])
    async def gegevensopvraging(verzoek: opvraging.Gegevensopvraging) -> JSONResponse:
        return simulator.bevraag(
            verzoek.verzoek_id,
            verzoek.model_dump(mode="json"),
            lambda register: opvraging.beantwoord(verzoek, register, vandaag()),
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
    app = maak_app(titel="DUO", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
