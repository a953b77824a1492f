"""DUO: the time-out instruction as a *betalingspauze*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.backoffice import Lezer as _Lezer
from connectors.base.opdracht import Opdracht
from schemas.opschorting import Antwoord, Maatregel, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "DUO"

PAUZESOORTEN: dict[Maatregel, int] = {
    Maatregel.INVORDERING: 10,
    Maatregel.BESLAG: 20,
    Maatregel.VERREKENING: 30,
    Maatregel.VERHOGING: 40,
    Maatregel.RENTE: 50,
    Maatregel.DWANGBEVEL: 60,
}
"""Standard measure -> DUO's numeric ``pauzeSoort``."""

FOUTCODES: dict[str, Redencode] = {
    "STARTDATUM_TE_VER_IN_VERLEDEN": Redencode.TERMIJN_ONGELDIG,
    "DEBITEUR_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
    "SCHULD_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Refusal ``fout.code`` (HTTP 422) -> standard reason code."""


def naar_verzoek(opdracht: Opdracht) -> dict[str, Any]:
    """The ``POST /duo/v2/betalingspauzes`` body for this instruction."""
    instructie = opdracht.instructie
    return {
        "verzoekId": opdracht.instructie_id,
        "opdrachtgever": {"oin": LOKET.oin},
        "debiteuren": [{"bsn": bsn} for bsn in opdracht.bsns],
        "schuldnummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "startDatum": instructie.periode.ingangsdatum.isoformat(),
        "eindDatum": instructie.periode.einddatum.isoformat(),
        "pauzeSoorten": sorted({PAUZESOORTEN[m] for m in instructie.maatregelen}),
        "wettelijkeGrondslag": instructie.grondslag,
        "motivering": f"{instructie.reden} [casus {instructie.casus_id}]",
    }


class _Schuld(_Lezer):
    schuldnummer: str
    gepauzeerd: bool
    toelichting: str | None = None


class _Betalingspauze(_Lezer):
    duoKenmerk: str  # the agency's field name
    schulden: list[_Schuld] = Field(default_factory=list)


class _FoutInhoud(_Lezer):
    code: str
    bericht: str = ""


class _Fout(_Lezer):
    fout: _FoutInhoud


def _resultaat(schuld: _Schuld) -> VorderingResultaat:
    if schuld.gepauzeerd:
        return VorderingResultaat(vordering=schuld.schuldnummer, opgeschort=True)
    return VorderingResultaat(
        vordering=schuld.schuldnummer,
        opgeschort=False,
        redencode=Redencode.ONBEKENDE_VORDERING,
        toelichting=schuld.toelichting,
    )


def naar_uitkomst(antwoord: BackofficeAntwoord) -> Uitkomst:
    """Read DUO's HTTP answer."""
    try:
        if 200 <= antwoord.status < 300:
            pauze = _Betalingspauze.model_validate(antwoord.body)
            return Bevestiging(
                referentie=pauze.duoKenmerk,
                vorderingen=tuple(_resultaat(s) for s in pauze.schulden),
            )
        fout = _Fout.model_validate(antwoord.body).fout
        if antwoord.status == 422:
            return Weigering(
                redencode=FOUTCODES.get(fout.code, Redencode.ONVERWERKBAAR),
                reden=f"{fout.code}: {fout.bericht}",
            )
        return onverwacht(AGENCY, antwoord.status, f"{fout.code}: {fout.bericht}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def naar_antwoord(
    opdracht: Opdracht, antwoord: BackofficeAntwoord, beantwoord_op: datetime
) -> Antwoord:
    """The contract answer for DUO's HTTP answer."""
    return maak_antwoord(opdracht, naar_uitkomst(antwoord), beantwoord_op=beantwoord_op)
