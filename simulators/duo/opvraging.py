"""SIMULATOR of DUO: the *gegevensopvraging* API (v2).

``POST /duo/v2/gegevensopvragingen`` asks what DUO records about one debtor (*debiteur*, BSN in
the body), for the numeric ``gegevensSoorten`` named (DUO's own codes, like its ``pauzeSoorten``):

- ``100`` debts (*schulden*): per debt its principal (``hoofdsomCenten``) and what is left
  (``restschuldCenten``), the collection steps running (``invorderingsstappen``, in DUO's
  ``pauzeSoort`` codes: 10 repayment, 20 garnishment, 30 set-off, 60 writ, ...), whether an
  objection is pending (``bezwaarLopend``), a repayment arrangement (``aflosregeling``) and the
  *betalingspauze* that covers it and has not ended (``null``: none);
- ``200`` repayment arrangements (*aflosregelingen*) in force;
- ``300`` student finance (*studiefinanciering*): running or not, repayment phase.

A code DUO does not hold is no error: it comes back in ``nietBeschikbaar``. The answer (200)
holds only the kinds asked, under ``gegevens``. Read only: nothing is recorded, a repeat gets the
same answer.

Refusals, in DUO's error shape ``{"fout": {"code", "bericht"}}``:
- 400 ``ONGELDIG_VERZOEK``: a field missing, e.g. ``doelomschrijving`` or ``wettelijkeGrondslag``;
- 404 ``DEBITEUR_ONBEKEND``: the debtor is not known at DUO;
- 403 ``DEBITEUR_VERTROUWELIJK``: the debtor's file is confidential; DUO shares nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from pydantic import Field

from simulators.common import Bsn, CamelModel, Persoon, Register, Vordering, centen
from simulators.common.app import logger

log = logger("duo")


class GegevensSoort(IntEnum):
    """What DUO shares (its own numeric codes)."""

    SCHULDEN = 100
    AFLOSREGELINGEN = 200
    STUDIEFINANCIERING = 300


class Debiteur(CamelModel):
    bsn: Bsn


class Opdrachtgever(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")


class Gegevensopvraging(CamelModel):
    verzoek_id: str = Field(min_length=1, max_length=64)
    opdrachtgever: Opdrachtgever
    debiteur: Debiteur
    gegevens_soorten: list[int] = Field(min_length=1)
    doelomschrijving: str = Field(min_length=1, max_length=1000)
    wettelijke_grondslag: str = Field(min_length=1, max_length=200)


def fout(code: str, bericht: str) -> dict[str, Any]:
    return {"fout": {"code": code, "bericht": bericht}}


def _schuld(s: dict[str, Any]) -> dict[str, Any]:
    rest = centen(s["openstaandBedrag"])
    hoofdsom = s.get("hoofdsom")
    regeling = s.get("aflosregeling")
    return {
        "schuldnummer": s["schuldnummer"],
        "soort": s["soort"],
        "hoofdsomCenten": rest if hoofdsom is None else centen(hoofdsom),
        "restschuldCenten": rest,
        "invorderingsstappen": list(s.get("invorderingsstappen", [])),
        "bezwaarLopend": bool(s.get("bezwaarLopend", False)),
        "aflosregeling": None if regeling is None else _regeling(regeling),
    }


def _regeling(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "regelingId": r["regelingId"],
        "maandbedragCenten": centen(r["maandbedrag"]),
        "draagkrachtmeting": r["draagkrachtmeting"],
        "ingangsdatum": r["ingangsdatum"],
    }


def _vastgelegd(v: Vordering) -> dict[str, Any]:
    """The debt as DUO recorded it (a state file from before the query API holds less)."""
    if v.gegevens:
        return v.gegevens
    return {"schuldnummer": v.nummer, "soort": v.soort, "openstaandBedrag": v.bedrag}


def _schulden(persoon: Persoon) -> list[dict[str, Any]]:
    return [_schuld(_vastgelegd(v)) for v in persoon.vorderingen.values()]


def _soort(persoon: Persoon, soort: GegevensSoort) -> tuple[str, Any]:
    if soort is GegevensSoort.SCHULDEN:
        schulden = _schulden(persoon)
        return "schulden", {
            "items": schulden,
            "totaal": len(schulden),
            "restschuldTotaalCenten": sum(s["restschuldCenten"] for s in schulden),
        }
    if soort is GegevensSoort.AFLOSREGELINGEN:
        regelingen = [
            {"schuldnummer": s["schuldnummer"], **s["aflosregeling"]}
            for s in _schulden(persoon)
            if s["aflosregeling"] is not None
        ]
        return "aflosregelingen", {"items": regelingen, "totaal": len(regelingen)}
    return "studiefinanciering", persoon.gegevens.get("studiefinanciering")


def beantwoord(
    opvraging: Gegevensopvraging, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """DUO's rules for a query; returns HTTP status and body."""
    persoon = register.persoon(opvraging.debiteur.bsn)
    if persoon is None:
        return 404, fout("DEBITEUR_ONBEKEND", "Debiteur is niet bekend bij DUO.")
    if persoon.afgeschermd:
        log.info("gegevensopvraging %s geweigerd: vertrouwelijk", opvraging.verzoek_id)
        return 403, fout(
            "DEBITEUR_VERTROUWELIJK", "Het dossier van deze debiteur is vertrouwelijk."
        )
    bekend = {int(s): s for s in GegevensSoort}
    gevraagd = list(dict.fromkeys(opvraging.gegevens_soorten))
    gegevens: dict[str, Any] = {}
    for code in gevraagd:
        if code in bekend:
            veld, waarde = _soort(persoon, bekend[code])
            gegevens[veld] = waarde
    for schuld in gegevens.get("schulden", {}).get("items", []):
        pauze = register.lopende_opschorting(schuld["schuldnummer"], vandaag)
        schuld["betalingspauze"] = (
            None
            if pauze is None
            else {
                "duoKenmerk": pauze.referentie,
                "startDatum": pauze.van.isoformat(),
                "eindDatum": pauze.tot_en_met.isoformat(),
            }
        )
    log.info("gegevensopvraging %s beantwoord (%s)", opvraging.verzoek_id, persoon.intern_id)
    return 200, {
        "verzoekId": opvraging.verzoek_id,
        "debiteurnummer": persoon.intern_id,
        "peildatum": vandaag.isoformat(),
        "gegevens": gegevens,
        "nietBeschikbaar": [c for c in gevraagd if c not in bekend],
    }
