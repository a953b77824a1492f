"""SIMULATOR of the SVB: the *klantbeeld* query API (v1).

``POST /svb/api/klantbeeld/v1/bevragingen`` answers what the SVB records about one client
(*klant*, ``aanvraag.bsn`` in the body) for the ``onderdelen`` named, in its own codes:

- ``VORDERINGEN``: open recoveries and fines, per claim ``oorspronkelijkCent`` and
  ``openstaandCent``, the scheme (``AKW`` child benefit, ``AOW``, ``ANW``), the collection steps
  running (its ``Invorderingsonderdeel`` codes), ``bezwaarOfBeroep``, ``fraude``, a payment
  arrangement and the interruption covering it that has not ended (``null``: none);
- ``BETALINGSREGELINGEN``: payment arrangements in force;
- ``VERREKENINGEN``: set-offs against a running benefit;
- ``UITKERINGEN``: the benefits the SVB pays the client (child benefit, AOW, ANW).

An ``onderdeel`` the SVB does not keep is no error: it comes back in ``nietGeleverd``. Read only:
nothing is recorded, a repeat gets the same answer.

Refusals, in the SVB's error shape ``{"melding": {"code", "tekst", "soort"}}``:
- 400 ``ONGELDIG_VERZOEK``: a field missing, e.g. ``doel`` or ``grondslag``;
- 404 ``KLANT_ONBEKEND``: the SVB does not know the client;
- 403 ``KLANT_AFGESCHERMD``: the client's file is shielded; the SVB shares nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from simulators.common import Bsn, CamelModel, Persoon, Register, centen
from simulators.common.app import logger

log = logger("svb")

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z_]{1,40}$")]
TECHNISCH = frozenset({"ONGELDIG_VERZOEK", "STORING", "SLEUTEL_HERGEBRUIKT", "ONGELDIG"})


def fout(code: str, tekst: str) -> dict[str, Any]:
    """The SVB's error envelope; ``soort`` tells a business refusal from a technical one."""
    soort = "TECHNISCH" if code in TECHNISCH else "FUNCTIONEEL"
    return {"melding": {"code": code, "tekst": tekst, "soort": soort}}


class Onderdeel(StrEnum):
    """What the SVB's client view holds (its own codes)."""

    VORDERINGEN = "VORDERINGEN"
    BETALINGSREGELINGEN = "BETALINGSREGELINGEN"
    VERREKENINGEN = "VERREKENINGEN"
    UITKERINGEN = "UITKERINGEN"


class Afzender(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")


class Metadata(CamelModel):
    correlatie_id: str = Field(min_length=1, max_length=64)
    afzender: Afzender


class KlantbeeldAanvraag(CamelModel):
    bsn: Bsn
    onderdelen: list[Code] = Field(min_length=1)
    doel: str = Field(min_length=1, max_length=1000)
    grondslag: str = Field(min_length=1, max_length=200)


class Klantbeeldverzoek(CamelModel):
    metadata: Metadata
    aanvraag: KlantbeeldAanvraag


def _vordering(v: dict[str, Any]) -> dict[str, Any]:
    openstaand = centen(v["openstaandBedrag"])
    oorspronkelijk = v.get("oorspronkelijkBedrag")
    regeling = v.get("betalingsregeling")
    return {
        "vorderingnummer": v["vorderingnummer"],
        "soort": v["soort"],
        "regeling": v["regeling"],
        "oorspronkelijkCent": openstaand if oorspronkelijk is None else centen(oorspronkelijk),
        "openstaandCent": openstaand,
        "invorderingsonderdelen": list(v.get("invorderingsonderdelen", [])),
        "bezwaarOfBeroep": bool(v.get("bezwaarOfBeroep", False)),
        "fraude": bool(v.get("fraude", False)),
        "betalingsregeling": None if regeling is None else _regeling(regeling),
    }


def _regeling(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "regelingnummer": r["regelingnummer"],
        "termijnbedragCent": centen(r["termijnbedrag"]),
        "aantalTermijnen": r["aantalTermijnen"],
        "eersteTermijn": r["eersteTermijn"],
    }


def _vorderingen(persoon: Persoon) -> list[dict[str, Any]]:
    return [_vordering(v.gegevens) for v in persoon.vorderingen.values()]


def _onderdeel(persoon: Persoon, onderdeel: Onderdeel) -> Any:
    g = persoon.gegevens
    if onderdeel is Onderdeel.VORDERINGEN:
        items = _vorderingen(persoon)
        return {
            "aantal": len(items),
            "openstaandTotaalCent": sum(v["openstaandCent"] for v in items),
            "items": items,
        }
    if onderdeel is Onderdeel.BETALINGSREGELINGEN:
        return [
            {"vorderingnummer": v["vorderingnummer"], **v["betalingsregeling"]}
            for v in _vorderingen(persoon)
            if v["betalingsregeling"] is not None
        ]
    if onderdeel is Onderdeel.VERREKENINGEN:
        return [
            {
                "kenmerk": r["kenmerk"],
                "vorderingnummer": r["vorderingnummer"],
                "uitkering": r["uitkering"],
                "bedragPerPeriodeCent": centen(r["bedragPerPeriode"]),
                "sinds": r["sinds"],
            }
            for r in g.get("verrekeningen", [])
        ]
    return [
        {
            "regeling": u["regeling"],
            "bedragPerPeriodeCent": centen(u["bedragPerPeriode"]),
            "periode": u["periode"],
            "sinds": u["sinds"],
        }
        for u in g.get("uitkeringen", [])
    ]


def beantwoord(
    verzoek: Klantbeeldverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The SVB's rules for a query; returns HTTP status and body."""
    aanvraag = verzoek.aanvraag
    kenmerk = verzoek.metadata.correlatie_id
    persoon = register.persoon(aanvraag.bsn)
    if persoon is None:
        return 404, fout("KLANT_ONBEKEND", "De klant is niet bekend bij de SVB.")
    if persoon.afgeschermd:
        log.info("klantbeeld %s geweigerd: afgeschermd", kenmerk)
        return 403, fout("KLANT_AFGESCHERMD", "Het dossier van deze klant is afgeschermd.")
    bekend = {o.value: o for o in Onderdeel}
    gevraagd = list(dict.fromkeys(aanvraag.onderdelen))
    resultaat: dict[str, Any] = {"klantnummer": persoon.intern_id, "peildatum": vandaag.isoformat()}
    for code in gevraagd:
        if code in bekend:
            resultaat[code.lower()] = _onderdeel(persoon, bekend[code])
    for vordering in resultaat.get("vorderingen", {}).get("items", []):
        o = register.lopende_opschorting(vordering["vorderingnummer"], vandaag)
        vordering["onderbreking"] = (
            None
            if o is None
            else {
                "onderbrekingsnummer": o.referentie,
                "begindatum": o.van.isoformat(),
                "einddatum": o.tot_en_met.isoformat(),
            }
        )
    log.info("klantbeeld %s beantwoord (%s)", kenmerk, persoon.intern_id)
    return 200, {
        "resultaat": resultaat,
        "nietGeleverd": [c for c in gevraagd if c not in bekend],
    }
