"""CAK: extension (*verlenging*) and ending (*beeindiging*) of an *incassostop*, and their
answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Each is a ``POST`` under the stop's ``cak_referentie``: the instruction's ``referentie`` when the
hub sends it, else found with ``GET /cak/api/v1/incassostops?berichtkenmerk=<original
instruction id>``.
"""

from __future__ import annotations

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.cak.vertaling import AGENCY, PAD, Fout
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

CODES: dict[str, Redencode] = {
    "INCASSOSTOP_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "INCASSOSTOP_BEEINDIGD": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "HERVATTEN_NA_EINDDATUM": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``fouten[0].code`` of a change (HTTP 404 or 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the stop registered for the original instruction (its
    ``berichtkenmerk``)."""
    return HttpVerzoek("GET", PAD, query={"berichtkenmerk": instructie_id})


class _Stop(Lezer):
    cak_referentie: str


class _Zoekresultaat(Gelukt[str | Uitkomst]):
    resultaten: list[_Stop] = Field(default_factory=list)

    def uitkomst(self) -> str | Uitkomst:
        if not self.resultaten:
            return opschorting.niets_geregistreerd(AGENCY, "incassostop")
        return self.resultaten[0].cak_referentie


lees_opschorting = Antwoordlezer(AGENCY, gelukt=_Zoekresultaat, fout=Fout, weigering=frozenset())
"""The ``cak_referentie`` found, or a refusal when the CAK registered no stop."""


def _verzoek(
    opdracht: Opdracht[Wijzigingsinstructie], soort: str, velden: dict[str, str]
) -> HttpVerzoek:
    instructie = opdracht.instructie
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(opdracht.gevonden())}/{soort}",
        body={
            "berichtkenmerk": opdracht.instructie_id,
            "afzender_oin": LOKET.oin,
            **velden,
            "motivatie": f"{instructie.reden} [casus {instructie.casus_id}]",
        },
    )


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """``verlengingen`` with ``nieuwe_einddatum`` (inclusive, as ``periode.einddatum``)."""
    einde = opdracht.instructie.periode.einddatum
    return _verzoek(opdracht, "verlengingen", {"nieuwe_einddatum": einde.isoformat()})


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """``beeindigingen`` with ``hervatten_per`` = ``opheffingsdatum`` (first day collection
    resumes)."""
    per = opdracht.instructie.opheffingsdatum
    return _verzoek(opdracht, "beeindigingen", {"hervatten_per": per.isoformat()})


class _Gewijzigd(Gelukt[Uitkomst]):
    cak_referentie: str
    mutatiekenmerk: str

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(referentie=self.cak_referentie, wijzigingsreferentie=self.mutatiekenmerk)


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Gewijzigd, fout=Fout, codes=CODES, weigering=frozenset({404, 422})
)
"""Read the CAK's answer to a change; a refusal names the stop's ``cak_referentie``."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
