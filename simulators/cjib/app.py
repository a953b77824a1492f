"""SIMULATOR of the CJIB back-office: the *opschortingsverzoek* API.

``POST /cjib/opschortingsverzoeken`` asks the CJIB to suspend collection of cases (*zaken*: fines,
court orders) of one or more persons (*betrokkenen*). Idempotent on ``referentieKetenpartner``.
The period is ``{van, tot}`` with ``tot`` exclusive (the first day collection may resume).

Rules:
- a case under appeal (*in beroep*) is not suspended: ``NIET_OPGESCHORT`` with reason ``IN_BEROEP``;
- a case number that is not the persons' is ``NIET_OPGESCHORT`` with reason ``ONBEKENDE_ZAAK``;
- when no case in scope can be suspended the request is refused (HTTP 422, body
  ``{"code", "melding", "zaken"}``): ``ALLE_ZAKEN_IN_BEROEP`` when every case in scope is under
  appeal, ``GEEN_OPSCHORTBARE_ZAKEN`` otherwise;
- an unknown person: 422 ``BETROKKENE_ONBEKEND``.

``POST /cjib/opschortingsverzoeken/{cjibReferentie}/wijzigingen`` changes a registered suspension,
idempotent on the change's own ``referentieKetenpartner`` (the same key with other content: 409
``SLEUTEL_HERGEBRUIKT``). ``soort`` says what:

- ``VERLENGING`` with ``nieuwTot`` (exclusive, like ``periode.tot``): the suspension lasts longer;
- ``INTREKKING`` with ``per`` (the first day collection resumes; default today): it ends early.

Answer 201 with a ``wijzigingReferentie`` and the period as it now stands. Refusals (422):
``OPSCHORTING_ONBEKEND`` (the CJIB knows no suspension under that reference),
``NIEUW_TOT_NIET_LATER``, ``AL_INGETROKKEN`` (withdrawn before) and ``PER_NA_TOT`` (the suspension
ends earlier by itself).

``GET /cjib/ketenpartnerverzoeken/{referentieKetenpartner}`` finds the suspension registered for a
partner's original request (404 ``VERZOEK_ONBEKEND`` when none was).

``POST /cjib/bevragingen/zoeken`` answers searches (see :mod:`.bevraging`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from pydantic import Field, StringConstraints, model_validator

from simulators.cjib import bevraging
from simulators.common import (
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

NAAM = "cjib"
DEELNAME = Deelnamestijl(
    prefix="/cjib",
    referentieprefix="CJIB",
    onbekend="BETROKKENE_ONBEKEND",
    sleutelveld="referentieKetenpartner",
    personenveld="betrokkenen",
    persoonveld="burgerservicenummer",
    referentieveld="cjibReferentie",
    bedrag_in_centen=False,
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")

log = logger(NAAM)


Burgerservicenummer = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]


class Maatregel(StrEnum):
    """The CJIB's own codes. The CJIB charges no interest, so there is no code for it."""

    INNING = "INNING"
    BESLAGLEGGING = "BESLAGLEGGING"
    VERREKENING = "VERREKENING"
    WETTELIJKE_VERHOGING = "WETTELIJKE_VERHOGING"
    DWANGMIDDELEN = "DWANGMIDDELEN"


# --- seed shape -----------------------------------------------------------------------------


class SeedBetalingsregeling(CamelModel):
    regeling_id: str
    termijnbedrag: str
    aantal_termijnen: int = Field(ge=1)
    eerste_termijn: dt.date


class SeedZaak(CamelModel):
    zaaknummer: str = Field(pattern=r"^[A-Z]+-[0-9]{4}-[0-9]{6}$")
    soort: str
    opgelegd_bedrag: str | None = Field(default=None, description="Default: openstaand.")
    openstaand_bedrag: str
    in_beroep: bool = False
    maatregelen: list[Maatregel] = Field(default_factory=list)
    betalingsregeling: SeedBetalingsregeling | None = None


class SeedBeslag(CamelModel):
    beslagkenmerk: str
    soort: str
    zaaknummer: str
    maandbedrag: str
    sinds: dt.date


class SeedProcedure(CamelModel):
    zaaknummer: str
    soort: str
    status: str
    ingediend_op: dt.date


class SeedBetrokkene(CamelModel):
    burgerservicenummer: Burgerservicenummer
    betrokkene_id: str
    naam: str
    geheimhouding: bool = False
    zaken: list[SeedZaak] = Field(default_factory=list)
    beslagen: list[SeedBeslag] = Field(default_factory=list)
    procedures: list[SeedProcedure] = Field(default_factory=list)


def lees_vordering(data: dict[str, Any]) -> Vordering:
    z = SeedZaak.model_validate(data)
    return Vordering(
        nummer=z.zaaknummer,
        soort=z.soort,
        bedrag=z.openstaand_bedrag,
        in_beroep=z.in_beroep,
        gegevens=z.model_dump(mode="json", by_alias=True),
    )


def lees_persoon(data: dict[str, Any]) -> Persoon:
    b = SeedBetrokkene.model_validate(data)
    return Persoon(
        bsn=b.burgerservicenummer,
        intern_id=b.betrokkene_id,
        naam=b.naam,
        vorderingen={z.zaaknummer: lees_vordering(z.model_dump(by_alias=True)) for z in b.zaken},
        gegevens=b.model_dump(mode="json", by_alias=True, include={"beslagen", "procedures"}),
        afgeschermd=b.geheimhouding,
    )


def lees_personen(seed: dict[str, Any]) -> list[Persoon]:
    return [lees_persoon(p) for p in seed.get("betrokkenen", [])]


def fout(code: str, melding: str) -> dict[str, Any]:
    return {"code": code, "melding": melding}


# --- API shape ------------------------------------------------------------------------------


class Betrokkene(CamelModel):
    burgerservicenummer: Burgerservicenummer


class Ketenpartner(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")
    naam: str = Field(min_length=1)


class Periode(CamelModel):
    van: dt.date
    tot: dt.date = Field(description="Exclusive: the first day collection may resume.")

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.tot <= self.van:
            raise ValueError("tot moet na van liggen")
        return self


class Opschortingsverzoek(CamelModel):
    referentie_ketenpartner: str = Field(min_length=1, max_length=64)
    ketenpartner: Ketenpartner
    betrokkenen: list[Betrokkene] = Field(min_length=1)
    zaaknummers: list[str] | None = None
    periode: Periode
    maatregelen: list[Maatregel] = Field(min_length=1)
    grondslag: str = Field(min_length=1)
    toelichting: str = Field(min_length=1)


def behandel(verzoek: Opschortingsverzoek, register: Register) -> tuple[int, dict[str, Any]]:
    """The CJIB's rules; returns HTTP status and body."""
    personen: list[Persoon] = []
    for b in verzoek.betrokkenen:
        persoon = register.persoon(b.burgerservicenummer)
        if persoon is None:
            return 422, fout("BETROKKENE_ONBEKEND", "Betrokkene niet gevonden bij het CJIB.")
        personen.append(persoon)

    eigen = {nr: z for p in personen for nr, z in p.vorderingen.items()}
    gevraagd = list(eigen) if verzoek.zaaknummers is None else verzoek.zaaknummers
    zaken: list[dict[str, Any]] = []
    for nummer in gevraagd:
        zaak = eigen.get(nummer)
        if zaak is None:
            zaken.append(
                {"zaaknummer": nummer, "status": "NIET_OPGESCHORT", "reden": "ONBEKENDE_ZAAK"}
            )
        elif zaak.in_beroep:
            zaken.append({"zaaknummer": nummer, "status": "NIET_OPGESCHORT", "reden": "IN_BEROEP"})
        else:
            zaken.append({"zaaknummer": nummer, "status": "OPGESCHORT", "reden": None})

    opgeschort = [z["zaaknummer"] for z in zaken if z["status"] == "OPGESCHORT"]
    if not opgeschort:
        if zaken and all(z["reden"] == "IN_BEROEP" for z in zaken):
            return 422, {
                **fout(
                    "ALLE_ZAKEN_IN_BEROEP",
                    "Alle zaken zijn in beroep; de inning ligt al stil tot de uitspraak.",
                ),
                "zaken": zaken,
            }
        return 422, {
            **fout("GEEN_OPSCHORTBARE_ZAKEN", "Er is geen zaak die kan worden opgeschort."),
            "zaken": zaken,
        }

    referentie = f"CJIB-OPS-{register.volgnummer():08d}"
    register.registreer(
        Opschorting(
            referentie=referentie,
            sleutel=verzoek.referentie_ketenpartner,
            personen=tuple(p.intern_id for p in personen),
            vorderingen=tuple(opgeschort),
            van=verzoek.periode.van,
            tot_en_met=verzoek.periode.tot - dt.timedelta(days=1),
            maatregelen=tuple(m.value for m in verzoek.maatregelen),
        )
    )
    log.info("opschorting %s geregistreerd, %d zaken opgeschort", referentie, len(opgeschort))
    return 201, {
        "cjibReferentie": referentie,
        "periode": verzoek.periode.model_dump(mode="json"),
        "zaken": zaken,
    }


class Wijzigingssoort(StrEnum):
    VERLENGING = "VERLENGING"
    INTREKKING = "INTREKKING"


class Wijzigingsverzoek(CamelModel):
    referentie_ketenpartner: str = Field(min_length=1, max_length=64)
    ketenpartner: Ketenpartner
    soort: Wijzigingssoort
    nieuw_tot: dt.date | None = Field(
        default=None, description="VERLENGING only: the new exclusive end."
    )
    per: dt.date | None = Field(
        default=None, description="INTREKKING only: first day collection resumes (default today)."
    )
    toelichting: str = Field(min_length=1)

    @model_validator(mode="after")
    def _velden_bij_soort(self) -> Self:
        if self.soort is Wijzigingssoort.VERLENGING:
            if self.nieuw_tot is None or self.per is not None:
                raise ValueError("VERLENGING vraagt nieuwTot (en geen per)")
        elif self.nieuw_tot is not None:
            raise ValueError("INTREKKING vraagt geen nieuwTot")
        return self


def _periode(ops: Opschorting) -> dict[str, str]:
    return {
        "van": ops.van.isoformat(),
        "tot": (ops.tot_en_met + dt.timedelta(days=1)).isoformat(),
    }


def _status(ops: Opschorting) -> str:
    if ops.opgeheven:
        return "INGETROKKEN"
    return "GEWIJZIGD" if ops.wijzigingen else "OPGESCHORT"


def wijzig(
    cjib_referentie: str, verzoek: Wijzigingsverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The CJIB's rules for a change; returns HTTP status and body."""
    ops = register.opschorting(cjib_referentie)
    if ops is None:
        return 422, fout(
            "OPSCHORTING_ONBEKEND", "Het CJIB kent geen opschorting met deze referentie."
        )
    if ops.opgeheven:
        return 422, fout("AL_INGETROKKEN", "Deze opschorting is al ingetrokken.")
    tot = ops.tot_en_met + dt.timedelta(days=1)
    sleutel = verzoek.referentie_ketenpartner
    if verzoek.nieuw_tot is not None:
        if verzoek.nieuw_tot <= tot:
            return 422, fout(
                "NIEUW_TOT_NIET_LATER", f"Het nieuwe tot moet na het huidige tot {tot} liggen."
            )
        referentie = f"CJIB-WIJ-{register.volgnummer():08d}"
        ops.verleng(
            verzoek.nieuw_tot - dt.timedelta(days=1), referentie=referentie, sleutel=sleutel
        )
    else:
        per = verzoek.per or vandaag
        if per > tot:
            return 422, fout("PER_NA_TOT", f"De opschorting loopt al af per {tot}.")
        referentie = f"CJIB-WIJ-{register.volgnummer():08d}"
        ops.hef_op(per, referentie=referentie, sleutel=sleutel)
    log.info("opschorting %s gewijzigd: %s (%s)", ops.referentie, verzoek.soort.value, referentie)
    return 201, {
        "wijzigingReferentie": referentie,
        "cjibReferentie": ops.referentie,
        "soort": verzoek.soort.value,
        "status": _status(ops),
        "periode": _periode(ops),
    }


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/cjib", tags=["opschortingsverzoeken"])

    @router.post("/opschortingsverzoeken", status_code=201)
    async def opschortingsverzoek(verzoek: Opschortingsverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.referentie_ketenpartner,
            verzoek.model_dump(mode="json"),
            lambda register: behandel(verzoek, register),
        )

    @router.post("/opschortingsverzoeken/{cjib_referentie}/wijzigingen", status_code=201)
    async def wijziging(cjib_referentie: str, verzoek: Wijzigingsverzoek) -> JSONResponse:
        soort = (
            WijzigingSoort.VERLENGING
            if verzoek.soort is Wijzigingssoort.VERLENGING
            else WijzigingSoort.OPHEFFING
        )
        return simulator.idempotent(
            verzoek.referentie_ketenpartner,
            {
                "cjibReferentie": cjib_referentie,
                "wijziging": soort.value,
                **verzoek.model_dump(mode="json"),
            },
            lambda register: wijzig(cjib_referentie, verzoek, register, vandaag()),
        )

    @router.get("/ketenpartnerverzoeken/{referentie_ketenpartner}")
    async def ketenpartnerverzoek(referentie_ketenpartner: str) -> JSONResponse:
        register = simulator.register
        with register.lock:
            ops = register.opschorting_met_sleutel(referentie_ketenpartner)
            if ops is None:
                return JSONResponse(
                    status_code=404,
                    content=fout(
                        "VERZOEK_ONBEKEND", "Geen opschorting geregistreerd voor dit verzoek."
                    ),
                )
            return JSONResponse(
                {
                    "referentieKetenpartner": ops.sleutel,
                    "cjibReferentie": ops.referentie,
                    "status": _status(ops),
                    "periode": _periode(ops),
                }
            )

    @router.post("/bevragingen/zoeken", tags=["bevragingen"])
    async def bevraging_zoeken(vraag: bevraging.Zoekvraag) -> JSONResponse:
        return simulator.bevraag(
            vraag.referentie_ketenpartner,
            vraag.model_dump(mode="json"),
            lambda register: bevraging.zoek(vraag, register, vandaag()),
        )

    return router


def create_app(
    seed: Path | None = None,
    *,
    vandaag: Callable[[], dt.date] = dt.date.today,
    toestand: Path | None = None,
) -> FastAPI:
    """``vandaag`` is the default date of an INTREKKING without ``per``."""
    simulator = Simulator.uit_seed(
        naam=NAAM,
        seed=lees_seedbestand(seed or SEED),
        lees_personen=lees_personen,
        lees_persoon=lees_persoon,
        lees_vordering=lees_vordering,
        fout=fout,
        toestand=toestand,
    )
    app = maak_app(titel="CJIB", simulator=simulator, api=_api(simulator, vandaag))
    koppel(app, simulator, DEELNAME)
    return app
