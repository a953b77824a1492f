"""SIMULATOR of a municipal social-services back-office (*sociaal domein*), hosted for several
municipalities: each municipality is a tenant under ``/gemeenten/{gemeentecode}/sociaal-domein/v2``.

Why one process for many municipalities: most municipalities run their social-services suite at a
supplier that hosts it for many of them; each has its own tenant (own claims, own reference
numbers, own certificate), the process is shared. It also keeps the local stack at one port per
agency. The connector treats every tenant as a back-office of its own (own base URL, own client
certificate), so nothing changes when a municipality runs its own server.

Identity: served over TLS (``maatwerk-simulator run --agency gemeente --tls-cert ...``), the
back-office asks for a client certificate from the trusted CA and lets a caller into a tenant only
when the OIN in its certificate (subject ``serialNumber``) is that municipality's: 403
``CERTIFICAAT_HOORT_NIET_BIJ_GEMEENTE`` otherwise. Over plain HTTP (unit and API tests) there is
no certificate to check.

The back-office knows two kinds of claims (*dossiers*) a time-out can stop: recoveries of social
assistance (``BIJZONDERE_BIJSTAND``: *terugvordering bijzondere bijstand*, ``LEVENSONDERHOUD``)
and the Wmo contribution (``WMO_EIGEN_BIJDRAGE``) of a Wmo decision. It speaks camelCase; errors
are ``{"fouten": [{"code", "melding"}]}``.

``POST .../opschortingen`` suspends the collection measures named (``maatregelen``: ``INNING``,
``VERREKENING`` (with the assistance paid), ``BESLAG``, ``DWANGBEVEL``, ``INVORDERINGSKOSTEN``)
of the persons' dossiers (all, or the ``dossiernummers`` given) for a period (both days
inclusive). Idempotent on ``verzoekId``. Answer 201 with the ``besluitnummer``
(``GEM<code>-OPS-<yyyy>-<nnnnnn>``), the municipality (code, OIN, name) and per dossier
``OPGESCHORT`` or ``NIET_OPGESCHORT`` with its ``weigercode``:

- ``FRAUDEVORDERING``: a claim after a breach of the duty to inform: the municipality's collection
  rules exclude it from suspension;
- ``INNING_DOOR_CAK``: a Wmo contribution the CAK collects: the municipality has nothing to stop
  (the CAK does it).

Refusals (HTTP 422): ``BURGER_NIET_INGESCHREVEN`` (a person is not a client of this
municipality), ``INGANGSDATUM_TE_VER_TERUG`` (a decision works at most 30 days back),
``TERMIJN_TE_LANG`` (the college suspends for at most 6 months at a time),
``GEEN_DOSSIER`` (none of the dossiers asked is the persons'), ``NIETS_OP_TE_SCHORTEN``
(every dossier in scope is excluded; the dossiers listed).

Changes, idempotent on their own ``verzoekId``: ``PATCH .../opschortingen/{besluitnummer}``
``{"totEnMet"}`` extends (later only, within 6 months of the start); ``POST
.../opschortingen/{besluitnummer}/intrekking`` ``{"hervattenPer"}`` ends it. 404
``BESLUIT_ONBEKEND`` (also a decision of another municipality), 422 ``BESLUIT_BEEINDIGD``,
``EINDDATUM_NIET_LATER``, ``TERMIJN_TE_LANG``, ``HERVATTEN_NA_EINDDATUM``.
``GET .../opschortingen?verzoekId=`` finds the decision a request made (404 ``VERZOEK_ONBEKEND``).
``POST .../dossieroverzicht`` answers queries (:mod:`.overzicht`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

from schemas.identiteit import GeenOin, oin_van_certificaat
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
from simulators.gemeente import overzicht
from simulators.gemeente.seed import Gemeente, lees_gemeenten, lees_persoon, lees_vordering

NAAM = "gemeente"
DEELNAME = Deelnamestijl(
    prefix="/gemeenten/{gemeentecode}/sociaal-domein/v2",
    referentieprefix="GEM",
    onbekend="BURGER_NIET_INGESCHREVEN",
    personenveld="burgers",
    referentieveld="zaaknummer",
)
"""How this back-office takes invitations and repayment requests
(:mod:`simulators.common.deelname`)."""
SEED = Path(__file__).with_name("seed.json")
MAX_DAGEN_TERUG = 30
MAX_MAANDEN = 6

log = logger(NAAM)


class Fout(Exception):
    """A refusal in the back-office's error shape."""

    def __init__(self, status: int, code: str, melding: str) -> None:
        super().__init__(code)
        self.status = status
        self.body = fout(code, melding)


def fout(code: str, melding: str) -> dict[str, Any]:
    return {"fouten": [{"code": code, "melding": melding}]}


class Maatregel(StrEnum):
    """Collection measures, in the back-office's own codes."""

    INNING = "INNING"
    VERREKENING = "VERREKENING"
    BESLAG = "BESLAG"
    DWANGBEVEL = "DWANGBEVEL"
    INVORDERINGSKOSTEN = "INVORDERINGSKOSTEN"


class Burger(CamelModel):
    bsn: Bsn


class Opschortingsverzoek(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    burgers: list[Burger] = Field(min_length=1)
    dossiernummers: list[str] | None = None
    ingangsdatum: dt.date
    tot_en_met: dt.date
    maatregelen: list[Maatregel] = Field(min_length=1)
    grondslag: str = Field(min_length=1)
    toelichting: str = Field(min_length=1)

    @model_validator(mode="after")
    def _volgorde(self) -> Self:
        if self.tot_en_met < self.ingangsdatum:
            raise ValueError("totEnMet ligt voor ingangsdatum")
        return self


class Verlenging(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    tot_en_met: dt.date
    toelichting: str = Field(min_length=1)


class Intrekking(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    hervatten_per: dt.date | None = None
    toelichting: str = Field(min_length=1)


def _uiterste_einde(ingangsdatum: dt.date) -> dt.date:
    """The last day a decision starting on ``ingangsdatum`` may run to: 6 calendar months on,
    less a day (from 31 August: to 28 or 29 February)."""
    maanden = ingangsdatum.month - 1 + MAX_MAANDEN
    jaar, maand = ingangsdatum.year + maanden // 12, maanden % 12 + 1
    dag = min(ingangsdatum.day, calendar.monthrange(jaar, maand)[1])
    return dt.date(jaar, maand, dag) - dt.timedelta(days=1)


def _dossier(nummer: str, vordering: Vordering | None) -> dict[str, Any]:
    """One dossier in the answer: suspended, or not with the back-office's ``weigercode``."""
    if vordering is None:
        return {"dossiernummer": nummer, "besluit": "NIET_OPGESCHORT", "weigercode": "ONBEKEND"}
    g = vordering.gegevens
    regel: dict[str, Any] = {"dossiernummer": nummer, "soort": g.get("soort", vordering.soort)}
    if g.get("fraude"):
        return {**regel, "besluit": "NIET_OPGESCHORT", "weigercode": "FRAUDEVORDERING"}
    if g.get("inningDoor") == "CAK":
        return {**regel, "besluit": "NIET_OPGESCHORT", "weigercode": "INNING_DOOR_CAK"}
    return {**regel, "besluit": "OPGESCHORT", "weigercode": None}


def _burgers(gemeente: Gemeente, bsns: list[str], register: Register) -> list[Persoon]:
    """The persons, each a client of this municipality (else ``BURGER_NIET_INGESCHREVEN``)."""
    burgers = []
    for bsn in bsns:
        persoon = register.persoon(bsn)
        if persoon is None or persoon.gegevens.get("gemeente") != gemeente.code:
            raise Fout(
                422,
                "BURGER_NIET_INGESCHREVEN",
                f"De burger is geen client van {gemeente.naam}.",
            )
        burgers.append(persoon)
    return burgers


def behandel(
    gemeente: Gemeente, verzoek: Opschortingsverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The municipality's rules for a suspension; returns HTTP status and body."""
    if verzoek.ingangsdatum < vandaag - dt.timedelta(days=MAX_DAGEN_TERUG):
        raise Fout(
            422,
            "INGANGSDATUM_TE_VER_TERUG",
            f"Een opschortingsbesluit werkt ten hoogste {MAX_DAGEN_TERUG} dagen terug.",
        )
    if verzoek.tot_en_met > _uiterste_einde(verzoek.ingangsdatum):
        raise Fout(
            422,
            "TERMIJN_TE_LANG",
            f"Het college schort de invordering ten hoogste {MAX_MAANDEN} maanden op.",
        )
    burgers = _burgers(gemeente, [b.bsn for b in verzoek.burgers], register)
    eigen = {nr: v for b in burgers for nr, v in b.vorderingen.items()}
    gevraagd = (
        list(eigen)
        if verzoek.dossiernummers is None
        else list(dict.fromkeys(verzoek.dossiernummers))
    )
    if not any(nr in eigen for nr in gevraagd):
        raise Fout(422, "GEEN_DOSSIER", "Geen van de dossiers is van deze burgers.")
    dossiers = [_dossier(nr, eigen.get(nr)) for nr in gevraagd]
    opgeschort = [d["dossiernummer"] for d in dossiers if d["besluit"] == "OPGESCHORT"]
    if not opgeschort:
        return 422, {
            **fout("NIETS_OP_TE_SCHORTEN", "Geen van de dossiers kan worden opgeschort."),
            "dossiers": dossiers,
        }
    besluitnummer = f"GEM{gemeente.code}-OPS-{vandaag:%Y}-{register.volgnummer():06d}"
    register.registreer(
        Opschorting(
            referentie=besluitnummer,
            sleutel=verzoek.verzoek_id,
            personen=tuple(b.intern_id for b in burgers),
            vorderingen=tuple(opgeschort),
            van=verzoek.ingangsdatum,
            tot_en_met=verzoek.tot_en_met,
            maatregelen=tuple(m.value for m in verzoek.maatregelen),
        )
    )
    log.info("opschortingsbesluit %s vastgesteld, %d dossiers", besluitnummer, len(opgeschort))
    return 201, {
        "besluitnummer": besluitnummer,
        "gemeente": gemeente.json(),
        "status": "VASTGESTELD",
        "periode": _periode(verzoek.ingangsdatum, verzoek.tot_en_met),
        "maatregelen": [m.value for m in verzoek.maatregelen],
        "dossiers": dossiers,
    }


def _periode(van: dt.date, tot_en_met: dt.date) -> dict[str, str]:
    return {"van": van.isoformat(), "totEnMet": tot_en_met.isoformat()}


def _besluit_json(gemeente: Gemeente, o: Opschorting, vandaag: dt.date) -> dict[str, Any]:
    return {
        "besluitnummer": o.referentie,
        "verzoekId": o.sleutel,
        "gemeente": gemeente.json(),
        "status": "BEEINDIGD" if o.afgelopen(vandaag) else "VASTGESTELD",
        "periode": _periode(o.van, o.tot_en_met),
        "maatregelen": list(o.maatregelen),
        "dossiernummers": list(o.vorderingen),
    }


def _eigen_besluit(gemeente: Gemeente, besluitnummer: str, register: Register) -> Opschorting:
    """The decision, if it is this municipality's (another's is as unknown as none)."""
    besluit = None
    if besluitnummer.startswith(f"GEM{gemeente.code}-"):
        besluit = register.opschorting(besluitnummer)
    if besluit is None:
        raise Fout(404, "BESLUIT_ONBEKEND", "Er is geen opschortingsbesluit met dit nummer.")
    return besluit


def wijzig(
    gemeente: Gemeente,
    besluitnummer: str,
    soort: WijzigingSoort,
    verzoek_id: str,
    datum: dt.date | None,
    register: Register,
    vandaag: dt.date,
) -> tuple[int, dict[str, Any]]:
    """Extend (``datum``: the new last day) or end (``datum``: the day collection resumes)."""
    besluit = _eigen_besluit(gemeente, besluitnummer, register)
    if besluit.afgelopen(vandaag):
        raise Fout(
            422, "BESLUIT_BEEINDIGD", f"Dit besluit is beeindigd (t/m {besluit.tot_en_met})."
        )
    nieuw = datum or vandaag
    if soort is WijzigingSoort.VERLENGING:
        if nieuw <= besluit.tot_en_met:
            raise Fout(
                422, "EINDDATUM_NIET_LATER", f"Het besluit loopt al t/m {besluit.tot_en_met}."
            )
        if nieuw > _uiterste_einde(besluit.van):
            raise Fout(
                422, "TERMIJN_TE_LANG", f"Opschorting duurt ten hoogste {MAX_MAANDEN} maanden."
            )
    elif nieuw > besluit.tot_en_met + dt.timedelta(days=1):
        raise Fout(
            422, "HERVATTEN_NA_EINDDATUM", f"Het besluit eindigt al op {besluit.tot_en_met}."
        )
    wijzigingsnummer = f"GEM{gemeente.code}-WIJ-{vandaag:%Y}-{register.volgnummer():06d}"
    if soort is WijzigingSoort.VERLENGING:
        besluit.verleng(nieuw, referentie=wijzigingsnummer, sleutel=verzoek_id)
    else:
        besluit.hef_op(nieuw, referentie=wijzigingsnummer, sleutel=verzoek_id)
    log.info("opschortingsbesluit %s: %s (%s)", besluitnummer, soort.value, wijzigingsnummer)
    return 200, {**_besluit_json(gemeente, besluit, vandaag), "wijzigingsnummer": wijzigingsnummer}


def _client_hier(register: Register, bsns: list[str], pad: dict[str, Any]) -> bool:
    """A person the municipality of the path has as a client (invitations, repayments)."""
    code = pad.get("gemeentecode")
    for bsn in bsns:
        persoon = register.persoon(bsn)
        if persoon is not None and persoon.gegevens.get("gemeente") == code:
            return True
    return False


def _met_fouten(
    behandel: Callable[[Register], tuple[int, dict[str, Any]]],
) -> Callable[[Register], tuple[int, dict[str, Any]]]:
    def veilig(register: Register) -> tuple[int, dict[str, Any]]:
        try:
            return behandel(register)
        except Fout as f:
            return f.status, f.body

    return veilig


async def tenant(gemeentecode: str, request: Request) -> Gemeente:
    """The municipality of the path, and (over TLS) the caller proven to act for it."""
    gemeenten: dict[str, Gemeente] = request.app.state.gemeenten
    gemeente = gemeenten.get(gemeentecode)
    if gemeente is None:
        raise Fout(404, "GEMEENTE_ONBEKEND", "Deze gemeente wordt hier niet gehost.")
    tls = (request.scope.get("extensions") or {}).get("tls")
    if tls is None:
        return gemeente  # plain HTTP (tests): no certificate to check
    keten = tls.get("client_cert_chain") or []
    try:
        oin = oin_van_certificaat(keten[0]) if keten else None
    except GeenOin:
        oin = None
    if oin != gemeente.oin:
        raise Fout(
            403,
            "CERTIFICAAT_HOORT_NIET_BIJ_GEMEENTE",
            f"Alleen met een certificaat van {gemeente.naam} (OIN {gemeente.oin}).",
        )
    return gemeente


Tenant = Annotated[Gemeente, Depends(tenant)]


def _api(simulator: Simulator, vandaag: Callable[[], dt.date]) -> APIRouter:
    router = APIRouter(prefix="/gemeenten/{gemeentecode}/sociaal-domein/v2", tags=["opschortingen"])

    @router.post("/opschortingen", status_code=201)
    async def opschorten(gemeente: Tenant, verzoek: Opschortingsverzoek) -> JSONResponse:
        return simulator.idempotent(
            verzoek.verzoek_id,
            {"gemeente": gemeente.code, **verzoek.model_dump(mode="json")},
            _met_fouten(lambda register: behandel(gemeente, verzoek, register, vandaag())),
        )

    @router.get("/opschortingen")
    async def zoek(
        gemeente: Tenant, verzoek_id: Annotated[str, Query(alias="verzoekId", min_length=1)]
    ) -> JSONResponse:
        with simulator.register.lock:
            besluit = simulator.register.opschorting_met_sleutel(verzoek_id)
            if besluit is None or not besluit.referentie.startswith(f"GEM{gemeente.code}-"):
                return JSONResponse(
                    status_code=404,
                    content=fout("VERZOEK_ONBEKEND", "Geen besluit bij dit verzoekId."),
                )
            return JSONResponse(_besluit_json(gemeente, besluit, vandaag()))

    @router.patch("/opschortingen/{besluitnummer}")
    async def verleng(gemeente: Tenant, besluitnummer: str, v: Verlenging) -> JSONResponse:
        return simulator.idempotent(
            v.verzoek_id,
            {"gemeente": gemeente.code, "besluit": besluitnummer, **v.model_dump(mode="json")},
            _met_fouten(lambda register: wijzig(
                gemeente, besluitnummer, WijzigingSoort.VERLENGING, v.verzoek_id, v.tot_en_met,
                register, vandaag(),
            )),
        )  # fmt: skip

    @router.post("/opschortingen/{besluitnummer}/intrekking")
    async def trek_in(gemeente: Tenant, besluitnummer: str, i: Intrekking) -> JSONResponse:
        return simulator.idempotent(
            i.verzoek_id,
            {"gemeente": gemeente.code, "besluit": besluitnummer, **i.model_dump(mode="json")},
            _met_fouten(lambda register: wijzig(
                gemeente, besluitnummer, WijzigingSoort.OPHEFFING, i.verzoek_id, i.hervatten_per,
                register, vandaag(),
            )),
        )  # fmt: skip

    @router.post("/dossieroverzicht", tags=["dossieroverzicht"])
    async def dossieroverzicht(gemeente: Tenant, vraag: overzicht.Overzichtvraag) -> JSONResponse:
        return simulator.bevraag(
            vraag.verzoek_id,
            {"gemeente": gemeente.code, **vraag.model_dump(mode="json")},
            _met_fouten(
                lambda register: overzicht.beantwoord(gemeente, vraag, register, vandaag())
            ),
        )

    return router


def create_app(
    seed: Path | None = None,
    *,
    vandaag: Callable[[], dt.date] = dt.date.today,
    toestand: Path | None = None,
) -> FastAPI:
    data = lees_seedbestand(seed or SEED)
    gemeenten = lees_gemeenten(data)
    simulator = Simulator.uit_seed(
        naam=NAAM,
        seed=data,
        lees_personen=lambda s: [lees_persoon(b, gemeenten) for b in s.get("burgers", [])],
        lees_persoon=lambda b: lees_persoon(b, gemeenten),
        lees_vordering=lees_vordering,
        fout=fout,
        toestand=toestand,
    )
    app = maak_app(
        titel="Sociaal domein (gemeenten)",
        simulator=simulator,
        api=_api(simulator, vandaag),
    )
    app.state.gemeenten = gemeenten
    koppel(app, simulator, DEELNAME, afhankelijkheden=(Depends(tenant),), bekend=_client_hier)

    @app.exception_handler(Fout)
    async def geweigerd(request: Request, exc: Fout) -> JSONResponse:
        return JSONResponse(status_code=exc.status, content=exc.body)

    return app
