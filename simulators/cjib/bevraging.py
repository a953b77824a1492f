"""SIMULATOR of the CJIB: the *bevraging* search API.

``POST /cjib/bevragingen/zoeken`` searches what the CJIB records about one person (*betrokkene*,
``burgerservicenummer`` in the body) in the ``rubrieken`` named, with the CJIB's own codes:

- ``ZAKEN``: open cases (fines, orders), per case the imposed and outstanding amount in cents
  (``bedrag.opgelegdCent``, ``bedrag.openstaandCent``), the measures running (the CJIB's
  ``Maatregel`` codes: ``INNING``, ``BESLAGLEGGING``, ...), ``inBeroep`` and an arrangement;
- ``BETALINGSREGELINGEN``: payment arrangements in force;
- ``BESLAGEN``: garnishments in force (wage, bank account);
- ``PROCEDURES``: pending appeals.

A rubric the CJIB does not keep is no error: it comes back in ``nietBeschikbaar``. The answer
(200) is ``{"zoekresultaat": {...}, "nietBeschikbaar": [...]}`` with only the rubrics asked. Read
only: nothing is recorded, a repeat gets the same answer.

Refusals, in the CJIB's error shape ``{"code", "melding"}``:
- 400 ``ONGELDIG_VERZOEK``: a field missing, e.g. ``doel`` or ``wettelijkeGrondslag``;
- 404 ``BETROKKENE_ONBEKEND``: the CJIB has no cases or data for this person;
- 403 ``GEHEIMHOUDING``: a secrecy obligation covers the person; the CJIB shares nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from simulators.common import CamelModel, Persoon, Register, Vordering, centen
from simulators.common.app import logger

log = logger("cjib")

Burgerservicenummer = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z_]{1,40}$")]


class Rubriek(StrEnum):
    """What the CJIB can be searched for (its own codes)."""

    ZAKEN = "ZAKEN"
    BETALINGSREGELINGEN = "BETALINGSREGELINGEN"
    BESLAGEN = "BESLAGEN"
    PROCEDURES = "PROCEDURES"


class Betrokkene(CamelModel):
    burgerservicenummer: Burgerservicenummer


class Ketenpartner(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")
    naam: str = Field(min_length=1)


class Zoekvraag(CamelModel):
    referentie_ketenpartner: str = Field(min_length=1, max_length=64)
    ketenpartner: Ketenpartner
    betrokkene: Betrokkene
    rubrieken: list[Code] = Field(min_length=1)
    doel: str = Field(min_length=1, max_length=1000)
    wettelijke_grondslag: str = Field(min_length=1, max_length=200)


def _zaak(z: dict[str, Any]) -> dict[str, Any]:
    openstaand = centen(z["openstaandBedrag"])
    opgelegd = z.get("opgelegdBedrag")
    regeling = z.get("betalingsregeling")
    return {
        "zaaknummer": z["zaaknummer"],
        "soort": z["soort"],
        "bedrag": {
            "opgelegdCent": openstaand if opgelegd is None else centen(opgelegd),
            "openstaandCent": openstaand,
        },
        "maatregelen": list(z.get("maatregelen", [])),
        "inBeroep": bool(z.get("inBeroep", False)),
        "betalingsregeling": None if regeling is None else _regeling(regeling),
    }


def _regeling(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "regelingId": r["regelingId"],
        "termijnbedragCent": centen(r["termijnbedrag"]),
        "aantalTermijnen": r["aantalTermijnen"],
        "eersteTermijn": r["eersteTermijn"],
    }


def _zaken(persoon: Persoon) -> list[dict[str, Any]]:
    return [_zaak(_vastgelegd(v)) for v in persoon.vorderingen.values()]


def _vastgelegd(v: Vordering) -> dict[str, Any]:
    """The case as the CJIB recorded it (a state file from before the query API holds less)."""
    if v.gegevens:
        return v.gegevens
    return {
        "zaaknummer": v.nummer,
        "soort": v.soort,
        "openstaandBedrag": v.bedrag,
        "inBeroep": v.in_beroep,
    }


def _rubriek(persoon: Persoon, rubriek: Rubriek) -> tuple[str, Any]:
    g = persoon.gegevens
    if rubriek is Rubriek.ZAKEN:
        zaken = _zaken(persoon)
        return "zaken", {
            "aantal": len(zaken),
            "totaalOpenstaandCent": sum(z["bedrag"]["openstaandCent"] for z in zaken),
            "lijst": zaken,
        }
    if rubriek is Rubriek.BETALINGSREGELINGEN:
        return "betalingsregelingen", [
            {"zaaknummer": z["zaaknummer"], **z["betalingsregeling"]}
            for z in _zaken(persoon)
            if z["betalingsregeling"] is not None
        ]
    if rubriek is Rubriek.BESLAGEN:
        return "beslagen", [
            {
                "beslagkenmerk": b["beslagkenmerk"],
                "soort": b["soort"],
                "zaaknummer": b["zaaknummer"],
                "maandbedragCent": centen(b["maandbedrag"]),
                "sinds": b["sinds"],
            }
            for b in g.get("beslagen", [])
        ]
    return "procedures", list(g.get("procedures", []))


def zoek(vraag: Zoekvraag, register: Register, vandaag: dt.date) -> tuple[int, dict[str, Any]]:
    """The CJIB's rules for a search; returns HTTP status and body."""
    persoon = register.persoon(vraag.betrokkene.burgerservicenummer)
    if persoon is None:
        return 404, {"code": "BETROKKENE_ONBEKEND", "melding": "Betrokkene niet gevonden."}
    if persoon.afgeschermd:
        log.info("bevraging %s geweigerd: geheimhouding", vraag.referentie_ketenpartner)
        return 403, {
            "code": "GEHEIMHOUDING",
            "melding": "Op deze betrokkene rust geheimhouding; het CJIB verstrekt niets.",
        }
    bekend = {r.value: r for r in Rubriek}
    gevraagd = list(dict.fromkeys(vraag.rubrieken))
    resultaat: dict[str, Any] = {"betrokkeneId": persoon.intern_id}
    for code in gevraagd:
        if code in bekend:
            veld, waarde = _rubriek(persoon, bekend[code])
            resultaat[veld] = waarde
    for zaak in resultaat.get("zaken", {}).get("lijst", []):
        ops = register.lopende_opschorting(zaak["zaaknummer"], vandaag)
        zaak["opschorting"] = (
            None
            if ops is None
            else {
                "cjibReferentie": ops.referentie,
                "van": ops.van.isoformat(),
                "tot": (ops.tot_en_met + dt.timedelta(days=1)).isoformat(),
            }
        )
    log.info("bevraging %s beantwoord (%s)", vraag.referentie_ketenpartner, persoon.intern_id)
    return 200, {
        "referentieKetenpartner": vraag.referentie_ketenpartner,
        "zoekresultaat": resultaat,
        "nietBeschikbaar": [c for c in gevraagd if c not in bekend],
    }
