"""DUO: extension and ending of a *betalingspauze* (``PATCH``), and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
The pause is patched under its ``duoKenmerk``: the instruction's ``referentie`` when the hub sends
it, else found with ``GET /duo/v2/betalingspauzes?verzoekId=<original instruction id>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek, padsegment
from connectors.base.backoffice import Lezer as _Lezer
from connectors.base.koppeling import Wijzigingsvertaling
from connectors.base.opdracht import Opheffingsopdracht, Verlengingsopdracht, Wijzigingsopdracht
from schemas.opschorting import Antwoord, Redencode
from schemas.organisaties import LOKET

AGENCY = "DUO"
PAD = "/duo/v2/betalingspauzes"

FOUTCODES: dict[str, Redencode] = {
    "PAUZE_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "PAUZE_AL_BEEINDIGD": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NA_HUIDIGE_EINDDATUM": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``fout.code`` of a change (HTTP 404 or 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the pause registered for the original instruction (its ``verzoekId``)."""
    return HttpVerzoek("GET", PAD, query={"verzoekId": instructie_id})


class _Mutatie(_Lezer):
    mutatieId: str  # the agency's field name


class _Pauze(_Lezer):
    duoKenmerk: str  # the agency's field names
    mutatie: _Mutatie | None = None


class _Zoekresultaat(_Lezer):
    items: list[_Pauze]


class _FoutInhoud(_Lezer):
    code: str
    bericht: str = ""


class _Fout(_Lezer):
    fout: _FoutInhoud


def lees_opschorting(antwoord: BackofficeAntwoord) -> str | Uitkomst:
    """The ``duoKenmerk`` found, or a refusal when DUO registered no pause."""
    try:
        if antwoord.status == 200:
            items = _Zoekresultaat.model_validate(antwoord.body).items
            if not items:
                return Weigering(
                    Redencode.ONBEKENDE_VORDERING,
                    "DUO registered no betalingspauze for the original instruction.",
                )
            return items[0].duoKenmerk
        fout = _Fout.model_validate(antwoord.body).fout
        return onverwacht(AGENCY, antwoord.status, f"{fout.code}: {fout.bericht}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def _mutatie(opdracht: Wijzigingsopdracht, duo_kenmerk: str, velden: dict[str, Any]) -> HttpVerzoek:
    instructie = opdracht.instructie
    return HttpVerzoek(
        "PATCH",
        f"{PAD}/{padsegment(duo_kenmerk)}",
        body={
            "verzoekId": opdracht.instructie_id,
            "opdrachtgever": {"oin": LOKET.oin},
            **velden,
            "motivering": f"{instructie.reden} [casus {instructie.casus_id}]",
        },
    )


def naar_verlenging(opdracht: Verlengingsopdracht, duo_kenmerk: str) -> HttpVerzoek:
    """Extend: ``eindDatum`` (inclusive) alone."""
    einde = opdracht.instructie.periode.einddatum
    return _mutatie(opdracht, duo_kenmerk, {"eindDatum": einde.isoformat()})


def naar_opheffing(opdracht: Opheffingsopdracht, duo_kenmerk: str) -> HttpVerzoek:
    """End: ``status`` ``BEEINDIGD`` with the last pause day, the day before ``opheffingsdatum``."""
    laatste_dag = opdracht.instructie.opheffingsdatum - dt.timedelta(days=1)
    return _mutatie(
        opdracht, duo_kenmerk, {"status": "BEEINDIGD", "eindDatum": laatste_dag.isoformat()}
    )


def naar_uitkomst(antwoord: BackofficeAntwoord, duo_kenmerk: str) -> Uitkomst:
    """Read DUO's answer to a ``PATCH``."""
    try:
        if 200 <= antwoord.status < 300:
            pauze = _Pauze.model_validate(antwoord.body)
            return Bevestiging(
                referentie=pauze.duoKenmerk,
                wijzigingsreferentie=pauze.mutatie.mutatieId if pauze.mutatie else None,
            )
        fout = _Fout.model_validate(antwoord.body).fout
        if antwoord.status in {404, 422}:
            return Weigering(
                redencode=FOUTCODES.get(fout.code, Redencode.ONVERWERKBAAR),
                reden=f"{fout.code}: {fout.bericht}",
                referentie=duo_kenmerk,
            )
        return onverwacht(AGENCY, antwoord.status, f"{fout.code}: {fout.bericht}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def naar_antwoord(
    opdracht: Wijzigingsopdracht,
    duo_kenmerk: str,
    antwoord: BackofficeAntwoord,
    beantwoord_op: dt.datetime,
) -> Antwoord:
    """The contract answer to the change; ``referentie`` is the pause's ``duoKenmerk``."""
    uitkomst = naar_uitkomst(antwoord, duo_kenmerk)
    return maak_antwoord(opdracht, uitkomst, beantwoord_op=beantwoord_op)


WIJZIGINGEN = Wijzigingsvertaling(
    zoek_opschorting=zoek_opschorting,
    lees_opschorting=lees_opschorting,
    naar_verlenging=naar_verlenging,
    naar_opheffing=naar_opheffing,
    naar_antwoord=naar_antwoord,
)
