"""SIMULATOR of the social-services back-office: the *dossieroverzicht* query.

``POST /gemeenten/{gemeentecode}/sociaal-domein/v2/dossieroverzicht`` asks what the municipality
records about one client (BSN in the body), for the ``onderdelen`` named (its own codes):

- ``VORDERINGEN``: per dossier its kind (``soort``), what it is for, original and outstanding
  amount in cents, the measures running, whether an objection is pending, whether a payment
  arrangement runs, and the suspension (``opschorting``) that covers it and has not ended;
- ``BETALINGSREGELINGEN``, ``VERREKENINGEN`` (set off against the assistance paid);
- ``WMO_BESLUITEN``: Wmo decisions with their contribution and who collects it (the CAK, mostly);
- ``UITKERINGEN``: social assistance paid (Participatiewet and the like).

An ``onderdeel`` it does not keep comes back in ``nietGeleverd``. Read only. Refusals in the
back-office's error shape: 400 ``ONGELDIG_VERZOEK`` (a field missing), 404
``BURGER_NIET_INGESCHREVEN`` (not a client of this municipality), 403 ``GEHEIMHOUDING`` (a
protected file: nothing is shared).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import Field

from simulators.common import Bsn, CamelModel, Persoon, Register, centen
from simulators.common.app import logger

if TYPE_CHECKING:
    from simulators.gemeente.seed import Gemeente

log = logger("gemeente")


class Onderdeel(StrEnum):
    VORDERINGEN = "VORDERINGEN"
    BETALINGSREGELINGEN = "BETALINGSREGELINGEN"
    VERREKENINGEN = "VERREKENINGEN"
    WMO_BESLUITEN = "WMO_BESLUITEN"
    UITKERINGEN = "UITKERINGEN"


class Overzichtvraag(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    afnemer_oin: str = Field(pattern=r"^[0-9]{20}$")
    bsn: Bsn
    onderdelen: list[str] = Field(min_length=1)
    doelbinding: str = Field(min_length=1, max_length=1000)
    grondslag: str = Field(min_length=1, max_length=200)


def _vordering(d: dict[str, Any]) -> dict[str, Any]:
    open_ = centen(d["openstaandBedrag"])
    oorspronkelijk = d.get("oorspronkelijkBedrag")
    return {
        "dossiernummer": d["dossiernummer"],
        "soort": d["soort"],
        "omschrijving": d.get("omschrijving", ""),
        "oorspronkelijkBedragCenten": open_ if oorspronkelijk is None else centen(oorspronkelijk),
        "openstaandBedragCenten": open_,
        "maatregelen": list(d.get("maatregelen", [])),
        "inningDoor": d.get("inningDoor", "GEMEENTE"),
        "bezwaarLopend": bool(d.get("bezwaarLopend", False)),
        "betalingsregeling": d.get("betalingsregeling") is not None,
    }


def _onderdeel(persoon: Persoon, onderdeel: Onderdeel) -> list[dict[str, Any]]:
    dossiers = [v.gegevens for v in persoon.vorderingen.values()]
    if onderdeel is Onderdeel.VORDERINGEN:
        return [_vordering(d) for d in dossiers]
    if onderdeel is Onderdeel.BETALINGSREGELINGEN:
        return [
            {
                "dossiernummer": d["dossiernummer"],
                "regelingnummer": r["regelingnummer"],
                "termijnbedragCenten": centen(r["termijnbedrag"]),
                "termijnenResterend": r["termijnenResterend"],
                "startdatum": r["startdatum"],
            }
            for d in dossiers
            if (r := d.get("betalingsregeling")) is not None
        ]
    if onderdeel is Onderdeel.VERREKENINGEN:
        return [
            {
                "dossiernummer": d["dossiernummer"],
                "bedragPerMaandCenten": centen(d["verrekeningPerMaand"]),
            }
            for d in dossiers
            if d.get("verrekeningPerMaand") is not None
        ]
    if onderdeel is Onderdeel.WMO_BESLUITEN:
        return [_in_centen(w, "eigenBijdragePerPeriode") for w in persoon.gegevens["wmoBesluiten"]]
    return [_in_centen(u, "nettoPerMaand") for u in persoon.gegevens["uitkeringen"]]


def _in_centen(regel: dict[str, Any], veld: str) -> dict[str, Any]:
    """``regel`` with the amount ``veld`` (euros) as ``<veld>Centen``."""
    return {**{k: v for k, v in regel.items() if k != veld}, f"{veld}Centen": centen(regel[veld])}


def beantwoord(
    gemeente: Gemeente, vraag: Overzichtvraag, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The municipality's rules for a query; returns HTTP status and body."""
    persoon = register.persoon(vraag.bsn)
    if persoon is None or persoon.gegevens.get("gemeente") != gemeente.code:
        return 404, {
            "fouten": [
                {"code": "BURGER_NIET_INGESCHREVEN", "melding": f"Geen client van {gemeente.naam}."}
            ]
        }
    if persoon.afgeschermd:
        log.info("dossieroverzicht %s geweigerd: geheimhouding", vraag.verzoek_id)
        return 403, {
            "fouten": [{"code": "GEHEIMHOUDING", "melding": "Op dit dossier rust geheimhouding."}]
        }
    bekend = {o.value: o for o in Onderdeel}
    gevraagd = list(dict.fromkeys(vraag.onderdelen))
    overzicht: dict[str, Any] = {
        _sleutel(code): _onderdeel(persoon, bekend[code]) for code in gevraagd if code in bekend
    }
    for v in overzicht.get("vorderingen", []):
        o = register.lopende_opschorting(v["dossiernummer"], vandaag)
        v["opschorting"] = (
            None
            if o is None
            else {
                "besluitnummer": o.referentie,
                "van": o.van.isoformat(),
                "totEnMet": o.tot_en_met.isoformat(),
            }
        )
    log.info("dossieroverzicht %s geleverd (%s)", vraag.verzoek_id, persoon.intern_id)
    return 200, {
        "verzoekId": vraag.verzoek_id,
        "gemeente": gemeente.json(),
        "clientnummer": persoon.intern_id,
        "peildatum": vandaag.isoformat(),
        "overzicht": overzicht,
        "nietGeleverd": [c for c in gevraagd if c not in bekend],
    }


def _sleutel(code: str) -> str:
    """``WMO_BESLUITEN`` -> ``wmoBesluiten``."""
    eerste, *rest = code.lower().split("_")
    return eerste + "".join(d.capitalize() for d in rest)
