"""Belastingdienst: extension and lifting of an *invorderingsstop*, and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
The stop is changed under its ``stopKenmerk``: the instruction's ``referentie`` when the hub sends
it, else found with ``GET /api/v1/invorderingsstops?verzoekKenmerk=<original instruction id>``.
"""

from __future__ import annotations

from typing import Any

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.belastingdienst.vertaling import AGENCY, PAD, Fout
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

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


class _Stop(Gelukt[Uitkomst]):
    stopKenmerk: str  # the agency's field names
    verlengingKenmerk: str | None = None
    beeindigingKenmerk: str | None = None

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.stopKenmerk,
            wijzigingsreferentie=self.verlengingKenmerk or self.beeindigingKenmerk,
        )


class _Zoekresultaat(Gelukt[str | Uitkomst]):
    invorderingsstops: list[_Stop]

    def uitkomst(self) -> str | Uitkomst:
        if not self.invorderingsstops:
            return opschorting.niets_geregistreerd(AGENCY, "invorderingsstop")
        return self.invorderingsstops[0].stopKenmerk


lees_opschorting = Antwoordlezer(AGENCY, gelukt=_Zoekresultaat, fout=Fout, weigering=frozenset())
"""The ``stopKenmerk`` found, or a refusal when the Belastingdienst registered no stop."""


def _kop(opdracht: Opdracht[Wijzigingsinstructie]) -> dict[str, Any]:
    return {
        "verzoekKenmerk": opdracht.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtigen": [{"bsn": bsn} for bsn in opdracht.bsns],
    }


def _toelichting(opdracht: Opdracht[Wijzigingsinstructie]) -> str:
    return f"{opdracht.instructie.reden} [casus {opdracht.instructie.casus_id}]"


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """``POST .../invorderingsstops/{stopKenmerk}/verlengingen`` for this extension."""
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(opdracht.gevonden())}/verlengingen",
        body={
            **_kop(opdracht),
            "nieuweEinddatum": opdracht.instructie.periode.einddatum.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """``POST .../invorderingsstops/{stopKenmerk}/beeindigingen`` for this lifting."""
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(opdracht.gevonden())}/beeindigingen",
        body={
            **_kop(opdracht),
            "beeindigdPer": opdracht.instructie.opheffingsdatum.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Stop, fout=Fout, codes=FOUTCODES, weigering=frozenset({404, 422})
)
"""Read the answer to an extension or ending; a refusal names the stop's ``stopKenmerk``."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
