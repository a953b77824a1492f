"""SIMULATOR of the CAK: the *gegevenslevering* API (v1).

``POST /cak/api/v1/gegevensleveringen`` delivers what the CAK records about one person
(*relatie*, ``bsn`` in the body) for the ``gegevensgroepen`` named, in its own codes:

- ``REGELINGEN``: the open claims (*bestuursrechtelijke premie* Zvw, *eigen bijdrage* Wlz/Wmo),
  per claim ``hoofdsom_centen`` and ``openstaand_centen``, the collection measures running (the
  CAK's ``Incassomaatregel`` codes), ``bezwaar``, ``overgedragen_aan_cjib``, a payment
  arrangement and the *incassostop* covering it that has not ended (``null``: none);
- ``BETALINGSREGELINGEN``: payment arrangements in force;
- ``BRONINHOUDINGEN``: deductions at source from wage or benefit in force;
- ``WANBETALERSREGISTRATIE``: the person's registration under the *wanbetalersregeling* (since
  when, which insurer reported, months in arrears, status).

A group the CAK does not keep is no error: it comes back in ``niet_geleverd``. Read only: nothing
is recorded, a repeat gets the same answer.

Refusals, in the CAK's error shape ``{"fouten": [{"code", "omschrijving"}]}``:
- 400 ``ONGELDIG_VERZOEK``: a field missing, e.g. ``doelbinding`` or ``grondslag``;
- 404 ``RELATIE_ONBEKEND``: the CAK does not know the person;
- 403 ``AFSCHERMING``: the person's data are shielded; the CAK delivers nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from simulators.common import Bsn, Persoon, Register, centen
from simulators.common.app import logger

log = logger("cak")

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z_]{1,40}$")]


class Gegevensgroep(StrEnum):
    """What the CAK delivers (its own codes)."""

    REGELINGEN = "REGELINGEN"
    BETALINGSREGELINGEN = "BETALINGSREGELINGEN"
    BRONINHOUDINGEN = "BRONINHOUDINGEN"
    WANBETALERSREGISTRATIE = "WANBETALERSREGISTRATIE"


class Leveringsverzoek(BaseModel):
    model_config = ConfigDict(extra="forbid")

    berichtkenmerk: str = Field(min_length=1, max_length=64)
    afnemer_oin: str = Field(pattern=r"^[0-9]{20}$")
    bsn: Bsn
    gegevensgroepen: list[Code] = Field(min_length=1)
    doelbinding: str = Field(min_length=1, max_length=1000)
    grondslag: str = Field(min_length=1, max_length=200)


def fout(code: str, omschrijving: str) -> dict[str, Any]:
    return {"fouten": [{"code": code, "omschrijving": omschrijving}]}


def _regeling(r: dict[str, Any]) -> dict[str, Any]:
    openstaand = centen(r["openstaand"])
    hoofdsom = r.get("hoofdsom")
    regeling = r.get("betalingsregeling")
    return {
        "regelingsnummer": r["regelingsnummer"],
        "soort": r["soort"],
        "hoofdsom_centen": openstaand if hoofdsom is None else centen(hoofdsom),
        "openstaand_centen": openstaand,
        "maatregelen": list(r.get("maatregelen", [])),
        "bezwaar": bool(r.get("bezwaar", False)),
        "overgedragen_aan_cjib": bool(r.get("overgedragen_aan_cjib", False)),
        "betalingsregeling": None if regeling is None else _betalingsregeling(regeling),
    }


def _betalingsregeling(b: dict[str, Any]) -> dict[str, Any]:
    return {
        "regeling_id": b["regeling_id"],
        "termijnbedrag_centen": centen(b["termijnbedrag"]),
        "termijnen": b["termijnen"],
        "startdatum": b["startdatum"],
    }


def _regelingen(persoon: Persoon) -> list[dict[str, Any]]:
    return [_regeling(v.gegevens) for v in persoon.vorderingen.values()]


def _groep(persoon: Persoon, groep: Gegevensgroep) -> Any:
    g = persoon.gegevens
    if groep is Gegevensgroep.REGELINGEN:
        regelingen = _regelingen(persoon)
        return {
            "aantal": len(regelingen),
            "totaal_openstaand_centen": sum(r["openstaand_centen"] for r in regelingen),
            "lijst": regelingen,
        }
    if groep is Gegevensgroep.BETALINGSREGELINGEN:
        return [
            {"regelingsnummer": r["regelingsnummer"], **r["betalingsregeling"]}
            for r in _regelingen(persoon)
            if r["betalingsregeling"] is not None
        ]
    if groep is Gegevensgroep.BRONINHOUDINGEN:
        return [
            {
                "kenmerk": b["kenmerk"],
                "regelingsnummer": b["regelingsnummer"],
                "inhoudingsplichtige": b["inhoudingsplichtige"],
                "maandbedrag_centen": centen(b["maandbedrag"]),
                "sinds": b["sinds"],
            }
            for b in g.get("broninhoudingen", [])
        ]
    return g.get("wanbetalersregistratie")


def lever(
    verzoek: Leveringsverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The CAK's rules for a delivery; returns HTTP status and body."""
    persoon = register.persoon(verzoek.bsn)
    if persoon is None:
        return 404, fout("RELATIE_ONBEKEND", "Relatie is niet bekend bij het CAK.")
    if persoon.afgeschermd:
        log.info("gegevenslevering %s geweigerd: afscherming", verzoek.berichtkenmerk)
        return 403, fout("AFSCHERMING", "De gegevens van deze relatie zijn afgeschermd.")
    bekend = {g.value: g for g in Gegevensgroep}
    gevraagd = list(dict.fromkeys(verzoek.gegevensgroepen))
    levering: dict[str, Any] = {
        code.lower(): _groep(persoon, bekend[code]) for code in gevraagd if code in bekend
    }
    for regeling in levering.get("regelingen", {}).get("lijst", []):
        stop = register.lopende_opschorting(regeling["regelingsnummer"], vandaag)
        regeling["incassostop"] = (
            None
            if stop is None
            else {
                "cak_referentie": stop.referentie,
                "ingangsdatum": stop.van.isoformat(),
                "einddatum": stop.tot_en_met.isoformat(),
            }
        )
    log.info("gegevenslevering %s geleverd (%s)", verzoek.berichtkenmerk, persoon.intern_id)
    return 200, {
        "berichtkenmerk": verzoek.berichtkenmerk,
        "relatienummer": persoon.intern_id,
        "peildatum": vandaag.isoformat(),
        "levering": levering,
        "niet_geleverd": [c for c in gevraagd if c not in bekend],
    }
