"""SVB: extension and ending of an *invorderingsonderbreking* (a *mutatie*), and their answers.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Both are a ``POST .../{onderbrekingsnummer}/mutaties``: the number is the instruction's
``referentie`` when the hub sends it, else found with
``GET .../invorderingsonderbrekingen?correlatieId=<original instruction id>``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.svb.vertaling import AGENCY, PAD, Fout, metadata
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)

CODES: dict[str, Redencode] = {
    "ONDERBREKING_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "ONDERBREKING_BEEINDIGD": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NA_HUIDIGE_EINDDATUM": Redencode.TERMIJN_ONGELDIG,
    "ONDERBREKING_LANGER_DAN_12_MAANDEN": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``melding.code`` of a *mutatie* (HTTP 404 or 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the interruption registered for the original instruction (its
    ``correlatieId``)."""
    return HttpVerzoek("GET", PAD, query={"correlatieId": instructie_id})


class _Gevonden(Lezer):
    onderbrekingsnummer: str


class _Onderbrekingen(Lezer):
    onderbrekingen: list[_Gevonden] = Field(default_factory=list)


class _Zoekresultaat(Gelukt[str | Uitkomst]):
    resultaat: _Onderbrekingen

    def uitkomst(self) -> str | Uitkomst:
        if not self.resultaat.onderbrekingen:
            return opschorting.niets_geregistreerd(AGENCY, "invorderingsonderbreking")
        return self.resultaat.onderbrekingen[0].onderbrekingsnummer


lees_opschorting = Antwoordlezer(AGENCY, gelukt=_Zoekresultaat, fout=Fout, weigering=frozenset())
"""The ``onderbrekingsnummer`` found, or a refusal when the SVB registered none."""


def _mutatie(
    opdracht: Opdracht[Wijzigingsinstructie], soort: str, einddatum: dt.date
) -> HttpVerzoek:
    instructie = opdracht.instructie
    return HttpVerzoek(
        "POST",
        f"{PAD}/{padsegment(opdracht.gevonden())}/mutaties",
        body={
            "metadata": metadata(opdracht.instructie_id),
            "aanvraag": {
                "mutatiesoort": soort,
                "einddatum": einddatum.isoformat(),
                "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
            },
        },
    )


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """A ``VERLENGING`` to ``einddatum`` (inclusive, as ``periode.einddatum``)."""
    return _mutatie(opdracht, "VERLENGING", opdracht.instructie.periode.einddatum)


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """A ``BEEINDIGING`` whose ``einddatum`` is the last day of the interruption, the day before
    ``opheffingsdatum``."""
    laatste_dag = opdracht.instructie.opheffingsdatum - dt.timedelta(days=1)
    return _mutatie(opdracht, "BEEINDIGING", laatste_dag)


class _Mutatie(Lezer):
    mutatienummer: str


class _Gemuteerd(Lezer):
    onderbrekingsnummer: str
    mutatie: _Mutatie


class _Resultaat(Gelukt[Uitkomst]):
    resultaat: _Gemuteerd

    def uitkomst(self) -> Uitkomst:
        r = self.resultaat
        return Bevestiging(
            referentie=r.onderbrekingsnummer, wijzigingsreferentie=r.mutatie.mutatienummer
        )


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Resultaat, fout=Fout, codes=CODES, weigering=frozenset({404, 422})
)
"""Read the SVB's answer to a *mutatie*; a refusal names the ``onderbrekingsnummer``."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
