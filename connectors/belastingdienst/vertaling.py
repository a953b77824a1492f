"""Belastingdienst: the time-out instruction as an *invorderingsstop*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, ValidationError

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.backoffice import Lezer as _Lezer
from connectors.base.opdracht import Opdracht
from schemas.opschorting import Antwoord, Maatregel, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "Belastingdienst"

MAATREGELEN: dict[Maatregel, str] = {
    Maatregel.INVORDERING: "UITSTEL_BETALING",
    Maatregel.BESLAG: "BESLAG_OPSCHORTEN",
    Maatregel.VERREKENING: "VERREKENING_AANHOUDEN",
    Maatregel.VERHOGING: "KOSTEN_NIET_IN_REKENING",
    Maatregel.RENTE: "RENTE_NIET_IN_REKENING",
    Maatregel.DWANGBEVEL: "DWANGBEVEL_AANHOUDEN",
}
"""Standard measure -> the Belastingdienst's own code (every measure has one)."""

FOUTCODES: dict[str, Redencode] = {
    "TERMIJN_TE_LANG": Redencode.TERMIJN_ONGELDIG,
    "BELASTINGPLICHTIGE_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
}
"""Refusal ``foutcode`` (HTTP 422) -> standard reason code."""

AANSLAG_REDENEN: dict[str, Redencode] = {
    "AANSLAG_NIET_GEVONDEN": Redencode.ONBEKENDE_VORDERING,
}
"""Per-assessment ``reden`` when ``NIET_GESTOPT`` -> standard reason code."""


def naar_verzoek(opdracht: Opdracht) -> dict[str, Any]:
    """The ``POST /api/v1/invorderingsstops`` body for this instruction."""
    instructie = opdracht.instructie
    return {
        "verzoekKenmerk": opdracht.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtigen": [{"bsn": bsn} for bsn in opdracht.bsns],
        "aanslagnummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "ingangsdatum": instructie.periode.ingangsdatum.isoformat(),
        "einddatum": instructie.periode.einddatum.isoformat(),
        "maatregelen": list(dict.fromkeys(MAATREGELEN[m] for m in instructie.maatregelen)),
        "grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }


class _Aanslag(_Lezer):
    aanslagnummer: str
    resultaat: Literal["GESTOPT", "NIET_GESTOPT"]
    reden: str | None = None


class _Invorderingsstop(_Lezer):
    stopKenmerk: str  # the agency's field name
    aanslagen: list[_Aanslag] = Field(default_factory=list)


class _Fout(_Lezer):
    foutcode: str
    omschrijving: str = ""


def _resultaat(aanslag: _Aanslag) -> VorderingResultaat:
    if aanslag.resultaat == "GESTOPT":
        return VorderingResultaat(vordering=aanslag.aanslagnummer, opgeschort=True)
    reden = aanslag.reden or "NIET_GESTOPT"
    return VorderingResultaat(
        vordering=aanslag.aanslagnummer,
        opgeschort=False,
        redencode=AANSLAG_REDENEN.get(reden, Redencode.ONVERWERKBAAR),
        toelichting=reden,
    )


def naar_uitkomst(antwoord: BackofficeAntwoord) -> Uitkomst:
    """Read the Belastingdienst's HTTP answer."""
    try:
        if 200 <= antwoord.status < 300:
            stop = _Invorderingsstop.model_validate(antwoord.body)
            return Bevestiging(
                referentie=stop.stopKenmerk,
                vorderingen=tuple(_resultaat(a) for a in stop.aanslagen),
            )
        if antwoord.status == 422:
            fout = _Fout.model_validate(antwoord.body)
            return Weigering(
                redencode=FOUTCODES.get(fout.foutcode, Redencode.ONVERWERKBAAR),
                reden=f"{fout.foutcode}: {fout.omschrijving}",
            )
        fout = _Fout.model_validate(antwoord.body)
        return onverwacht(AGENCY, antwoord.status, f"{fout.foutcode}: {fout.omschrijving}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def naar_antwoord(
    opdracht: Opdracht, antwoord: BackofficeAntwoord, beantwoord_op: datetime
) -> Antwoord:
    """The contract answer for the Belastingdienst's HTTP answer."""
    return maak_antwoord(opdracht, naar_uitkomst(antwoord), beantwoord_op=beantwoord_op)
