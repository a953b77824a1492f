"""CJIB: the time-out instruction as an *opschortingsverzoek*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, ValidationError

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.backoffice import Lezer as _Lezer
from connectors.base.opdracht import Opdracht
from schemas.opschorting import Antwoord, Maatregel, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "CJIB"

MAATREGELEN: dict[Maatregel, str | None] = {
    Maatregel.INVORDERING: "INNING",
    Maatregel.BESLAG: "BESLAGLEGGING",
    Maatregel.VERREKENING: "VERREKENING",
    Maatregel.VERHOGING: "WETTELIJKE_VERHOGING",
    Maatregel.RENTE: None,
    Maatregel.DWANGBEVEL: "DWANGMIDDELEN",
}
"""Standard measure -> the CJIB's own code. The CJIB charges no interest: ``rente`` has none."""

CODES: dict[str, Redencode] = {
    "ALLE_ZAKEN_IN_BEROEP": Redencode.BEZWAAR_OF_BEROEP,
    "GEEN_OPSCHORTBARE_ZAKEN": Redencode.ONBEKENDE_VORDERING,
    "BETROKKENE_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
}
"""Refusal ``code`` (HTTP 422) -> standard reason code."""

ZAAK_REDENEN: dict[str, Redencode] = {
    "IN_BEROEP": Redencode.BEZWAAR_OF_BEROEP,
    "ONBEKENDE_ZAAK": Redencode.ONBEKENDE_VORDERING,
}
"""Per-case ``reden`` when ``NIET_OPGESCHORT`` -> standard reason code."""


def naar_verzoek(opdracht: Opdracht) -> dict[str, Any] | Uitkomst:
    """The ``POST /cjib/opschortingsverzoeken`` body, or a refusal when there is nothing the CJIB
    can stop (only ``rente`` asked)."""
    instructie = opdracht.instructie
    codes = [c for c in dict.fromkeys(MAATREGELEN[m] for m in instructie.maatregelen) if c]
    if not codes:
        return Weigering(
            redencode=Redencode.WETTELIJK_UITGESLOTEN,
            reden="Het CJIB rekent geen rente; er is niets op te schorten.",
        )
    return {
        "referentieKetenpartner": opdracht.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "betrokkenen": [{"burgerservicenummer": bsn} for bsn in opdracht.bsns],
        "zaaknummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "periode": {
            "van": instructie.periode.ingangsdatum.isoformat(),
            # The CJIB's ``tot`` is exclusive: the first day collection may resume.
            "tot": (instructie.periode.einddatum + dt.timedelta(days=1)).isoformat(),
        },
        "maatregelen": codes,
        "grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }


class _Zaak(_Lezer):
    zaaknummer: str
    status: Literal["OPGESCHORT", "NIET_OPGESCHORT"]
    reden: str | None = None


class _Opschorting(_Lezer):
    cjibReferentie: str  # the agency's field name
    zaken: list[_Zaak] = Field(default_factory=list)


class _Fout(_Lezer):
    code: str
    melding: str = ""
    zaken: list[_Zaak] = Field(default_factory=list)


def _resultaat(zaak: _Zaak) -> VorderingResultaat:
    if zaak.status == "OPGESCHORT":
        return VorderingResultaat(vordering=zaak.zaaknummer, opgeschort=True)
    reden = zaak.reden or "NIET_OPGESCHORT"
    return VorderingResultaat(
        vordering=zaak.zaaknummer,
        opgeschort=False,
        redencode=ZAAK_REDENEN.get(reden, Redencode.ONVERWERKBAAR),
        toelichting=reden,
    )


def naar_uitkomst(antwoord: BackofficeAntwoord) -> Uitkomst:
    """Read the CJIB's HTTP answer."""
    try:
        if 200 <= antwoord.status < 300:
            ops = _Opschorting.model_validate(antwoord.body)
            return Bevestiging(
                referentie=ops.cjibReferentie,
                vorderingen=tuple(_resultaat(z) for z in ops.zaken),
            )
        fout = _Fout.model_validate(antwoord.body)
        if antwoord.status == 422:
            return Weigering(
                redencode=CODES.get(fout.code, Redencode.ONVERWERKBAAR),
                reden=f"{fout.code}: {fout.melding}",
                vorderingen=tuple(_resultaat(z) for z in fout.zaken),
            )
        return onverwacht(AGENCY, antwoord.status, f"{fout.code}: {fout.melding}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def naar_antwoord(
    opdracht: Opdracht, antwoord: BackofficeAntwoord, beantwoord_op: dt.datetime
) -> Antwoord:
    """The contract answer for the CJIB's HTTP answer."""
    return maak_antwoord(opdracht, naar_uitkomst(antwoord), beantwoord_op=beantwoord_op)
