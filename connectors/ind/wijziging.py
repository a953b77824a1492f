"""IND: extension (*verlenging*) and withdrawal (*intrekking*) of an *uitstel van betaling*, and
their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Both act on the deferral under its ``uitstelnummer``: the instruction's ``referentie`` when the
hub sends it, else found with ``GET /ind/leges/v1/uitstelverzoeken?verzoekReferentie=<original
instruction id>``.
"""

from __future__ import annotations

from typing import Any

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.ind.vertaling import AGENCY, PAD, Fout
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

CODES: dict[str, Redencode] = {
    "UITSTEL_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "UITSTEL_VERLOPEN": Redencode.TERMIJN_ONGELDIG,
    "NIEUWE_DATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "INTREKKING_NA_EINDE": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``code`` of a change (HTTP 404 or 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the deferral registered for the original instruction (its
    ``verzoekReferentie``)."""
    return HttpVerzoek("GET", PAD, query={"verzoekReferentie": instructie_id})


class _Resultaat(Lezer):
    uitstelnummer: str  # the agency's field name


class _Zoekresultaat(Gelukt[str | Uitkomst]):
    resultaten: list[_Resultaat]

    def uitkomst(self) -> str | Uitkomst:
        if not self.resultaten:
            return opschorting.niets_geregistreerd(AGENCY, "uitstel van betaling")
        return self.resultaten[0].uitstelnummer


lees_opschorting = Antwoordlezer(AGENCY, gelukt=_Zoekresultaat, fout=Fout, weigering=frozenset())
"""The ``uitstelnummer`` found, or a refusal when the IND registered no deferral."""


def _besluit(
    opdracht: Opdracht[Wijzigingsinstructie], wat: str, velden: dict[str, Any]
) -> HttpVerzoek:
    instructie = opdracht.instructie
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(opdracht.gevonden())}/{wat}",
        body={
            "verzoekReferentie": opdracht.instructie_id,
            "indiener": {"oin": LOKET.oin},
            **velden,
            "motivering": f"{instructie.reden} [casus {instructie.casus_id}]",
        },
    )


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """``POST .../{uitstelnummer}/verlenging``: ``nieuweUitstelTot`` (inclusive)."""
    einde = opdracht.instructie.periode.einddatum
    return _besluit(opdracht, "verlenging", {"nieuweUitstelTot": einde.isoformat()})


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """``POST .../{uitstelnummer}/intrekking``: payment is due again ``betalenVanaf`` (=
    ``opheffingsdatum``)."""
    per = opdracht.instructie.opheffingsdatum
    return _besluit(opdracht, "intrekking", {"betalenVanaf": per.isoformat()})


class _Besluit(Gelukt[Uitkomst]):
    uitstelnummer: str  # the agency's field names
    besluitnummer: str | None = None

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(referentie=self.uitstelnummer, wijzigingsreferentie=self.besluitnummer)


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Besluit, fout=Fout, codes=CODES, weigering=frozenset({404, 422})
)
"""Read the IND's answer to a change; a refusal names the deferral's ``uitstelnummer``."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
