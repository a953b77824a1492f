"""Belastingdienst: extension and lifting of an *invorderingsstop*, and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
The stop is changed under its ``stopKenmerk``: the instruction's ``referentie`` when the hub sends
it, else found with ``GET /api/v1/invorderingsstops?verzoekKenmerk=<original instruction id>``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek, padsegment
from connectors.base.backoffice import Lezer as _Lezer
from connectors.base.koppeling import Wijzigingsvertaling
from connectors.base.opdracht import Opheffingsopdracht, Verlengingsopdracht, Wijzigingsopdracht
from schemas.opschorting import Antwoord, Redencode
from schemas.organisaties import LOKET

AGENCY = "Belastingdienst"
PAD = "/api/v1/invorderingsstops"

FOUTCODES: dict[str, Redencode] = {
    "STOP_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "TERMIJN_TE_LANG": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "STOP_BEEINDIGD": Redencode.TERMIJN_ONGELDIG,
    "BEEINDIGDPER_NA_EINDDATUM": Redencode.TERMIJN_ONGELDIG,
    "BELASTINGPLICHTIGE_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
    "BELASTINGPLICHTIGE_WIJKT_AF": Redencode.ONBEKENDE_PERSOON,
}
"""Refusal ``foutcode`` of a change (HTTP 404 or 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the stop registered for the original instruction (its ``verzoekKenmerk``)."""
    return HttpVerzoek("GET", PAD, query={"verzoekKenmerk": instructie_id})


class _Stop(_Lezer):
    stopKenmerk: str  # the agency's field names
    verlengingKenmerk: str | None = None
    beeindigingKenmerk: str | None = None


class _Zoekresultaat(_Lezer):
    invorderingsstops: list[_Stop]


class _Fout(_Lezer):
    foutcode: str
    omschrijving: str = ""


def lees_opschorting(antwoord: BackofficeAntwoord) -> str | Uitkomst:
    """The ``stopKenmerk`` found, or a refusal when the Belastingdienst registered no stop."""
    try:
        if antwoord.status == 200:
            gevonden = _Zoekresultaat.model_validate(antwoord.body).invorderingsstops
            if not gevonden:
                return Weigering(
                    Redencode.ONBEKENDE_VORDERING,
                    "The Belastingdienst registered no invorderingsstop for the original "
                    "instruction.",
                )
            return gevonden[0].stopKenmerk
        fout = _Fout.model_validate(antwoord.body)
        return onverwacht(AGENCY, antwoord.status, f"{fout.foutcode}: {fout.omschrijving}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def _kop(opdracht: Wijzigingsopdracht) -> dict[str, Any]:
    return {
        "verzoekKenmerk": opdracht.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtigen": [{"bsn": bsn} for bsn in opdracht.bsns],
    }


def _toelichting(opdracht: Wijzigingsopdracht) -> str:
    return f"{opdracht.instructie.reden} [casus {opdracht.instructie.casus_id}]"


def naar_verlenging(opdracht: Verlengingsopdracht, stop_kenmerk: str) -> HttpVerzoek:
    """``POST .../invorderingsstops/{stopKenmerk}/verlengingen`` for this extension."""
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(stop_kenmerk)}/verlengingen",
        body={
            **_kop(opdracht),
            "nieuweEinddatum": opdracht.instructie.periode.einddatum.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


def naar_opheffing(opdracht: Opheffingsopdracht, stop_kenmerk: str) -> HttpVerzoek:
    """``POST .../invorderingsstops/{stopKenmerk}/beeindigingen`` for this lifting."""
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(stop_kenmerk)}/beeindigingen",
        body={
            **_kop(opdracht),
            "beeindigdPer": opdracht.instructie.opheffingsdatum.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


def naar_uitkomst(antwoord: BackofficeAntwoord, stop_kenmerk: str) -> Uitkomst:
    """Read the Belastingdienst's answer to an extension or ending."""
    try:
        if 200 <= antwoord.status < 300:
            stop = _Stop.model_validate(antwoord.body)
            return Bevestiging(
                referentie=stop.stopKenmerk,
                wijzigingsreferentie=stop.verlengingKenmerk or stop.beeindigingKenmerk,
            )
        fout = _Fout.model_validate(antwoord.body)
        if antwoord.status in {404, 422}:
            return Weigering(
                redencode=FOUTCODES.get(fout.foutcode, Redencode.ONVERWERKBAAR),
                reden=f"{fout.foutcode}: {fout.omschrijving}",
                referentie=stop_kenmerk,
            )
        return onverwacht(AGENCY, antwoord.status, f"{fout.foutcode}: {fout.omschrijving}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def naar_antwoord(
    opdracht: Wijzigingsopdracht,
    stop_kenmerk: str,
    antwoord: BackofficeAntwoord,
    beantwoord_op: datetime,
) -> Antwoord:
    """The contract answer to the change; ``referentie`` is the stop's ``stopKenmerk``."""
    uitkomst = naar_uitkomst(antwoord, stop_kenmerk)
    return maak_antwoord(opdracht, uitkomst, beantwoord_op=beantwoord_op)


WIJZIGINGEN = Wijzigingsvertaling(
    zoek_opschorting=zoek_opschorting,
    lees_opschorting=lees_opschorting,
    naar_verlenging=naar_verlenging,
    naar_opheffing=naar_opheffing,
    naar_antwoord=naar_antwoord,
)
