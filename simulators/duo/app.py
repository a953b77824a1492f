"""SIMULATOR of the DUO back-office: the *betalingspauze* API (v2).

``POST /duo/v2/betalingspauzes`` pauses repayment and collection of debts (*schulden*: student
debt, tuition fees, travel product) of one or more debtors (*debiteuren*). Idempotent on
``verzoekId``. Dates are inclusive; measures are DUO's numeric ``pauzeSoorten``.

Refusals (HTTP 422, body ``{"fout": {"code", "bericht"}}``):
- ``STARTDATUM_TE_VER_IN_VERLEDEN``: DUO pauses at most 30 days back (no further retroactive pause);
- ``DEBITEUR_ONBEKEND``: a debtor in the request is not known;
- ``SCHULD_ONBEKEND``: none of the debt numbers asked for belongs to the debtors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, Self

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

from simulators.common import (
    Opschorting,
    Persoon,
    Register,
    Simulator,
    Vordering,
    lees_seedbestand,
    maak_app,
)
from simulators.common.app import logger

NAAM = "duo"
SEED = Path(__file__).with_name("seed.json")
MAX_DAGEN_TERUG = 30

log = logger(NAAM)


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


Bsn = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]


class PauzeSoort(IntEnum):
    """DUO's own numeric codes for what a pause covers."""

    AFLOSSING = 10
    BESLAG = 20
    VERREKENING = 30
    AANMANINGSKOSTEN = 40
    RENTE = 50
    DWANGBEVEL = 60


# --- seed shape -----------------------------------------------------------------------------


class SeedSchuld(_Model):
    schuldnummer: str = Field(pattern=r"^[A-Z]{2}-[0-9]{4}-[0-9]{6}$")
    soort: str
    openstaand_bedrag: str


class SeedDebiteur(_Model):
    bsn: Bsn
    debiteurnummer: str
    naam: str
    schulden: list[SeedSchuld] = []


def lees_vordering(data: dict[str, Any]) -> Vordering:
    s = SeedSchuld.model_validate(data)
    return Vordering(nummer=s.schuldnummer, soort=s.soort, bedrag=s.openstaand_bedrag)


def lees_persoon(data: dict[str, Any]) -> Persoon:
    d = SeedDebiteur.model_validate(data)
    return Persoon(
        bsn=d.bsn,
        intern_id=d.debiteurnummer,
        naam=d.naam,
        vorderingen={
            s.schuldnummer: lees_vordering(s.model_dump(by_alias=True)) for s in d.schulden
        },
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(p) for p in seed.get("debiteuren", [])]


def fout(code: str, bericht: str) -> dict[str, Any]:
    return {"fout": {"code": code, "bericht": bericht}}


# --- API shape ------------------------------------------------------------------------------


class Debiteur(_Model):
    bsn: Bsn


class Opdrachtgever(_Model):
    oin: str = Field(pattern=r"^[0-9]{20}$")


class Betalingspauzeverzoek(_Model):
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
    register.opschortingen.append(
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


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/duo/v2", tags=["betalingspauzes"])

    @router.post("/betalingspauzes", status_code=201)
    def betalingspauze(verzoek: Betalingspauzeverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_id,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register, vandaag()),
        )

    return router


def create_app(
    seed: Path | None = None, *, vandaag: Callable[[], dt.date] = dt.date.today
) -> FastAPI:
    simulator = Simulator.uit_seed(
        naam=NAAM,
        seed=lees_seedbestand(seed or SEED),
        lees_personen=lees_personen,
        lees_persoon=lees_persoon,
        lees_vordering=lees_vordering,
        fout=fout,
    )
    return maak_app(titel="DUO", simulator=simulator, api=_api(simulator, vandaag))
