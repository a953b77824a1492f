"""DUO: extension and ending of a *betalingspauze* (``PATCH``), and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
The pause is patched under its ``duoKenmerk``: the instruction's ``referentie`` when the hub sends
it, else found with ``GET /duo/v2/betalingspauzes?verzoekId=<original instruction id>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.duo.vertaling import AGENCY, PAD, Fout
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

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


class _Mutatie(Lezer):
    mutatieId: str  # the agency's field name


class _Pauze(Gelukt[Uitkomst]):
    duoKenmerk: str  # the agency's field names
    mutatie: _Mutatie | None = None

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.duoKenmerk,
            wijzigingsreferentie=self.mutatie.mutatieId if self.mutatie else None,
        )


class _Zoekresultaat(Gelukt[str | Uitkomst]):
    items: list[_Pauze]

    def uitkomst(self) -> str | Uitkomst:
        if not self.items:
            return opschorting.niets_geregistreerd(AGENCY, "betalingspauze")
        return self.items[0].duoKenmerk


lees_opschorting = Antwoordlezer(AGENCY, gelukt=_Zoekresultaat, fout=Fout, weigering=frozenset())
"""The ``duoKenmerk`` found, or a refusal when DUO registered no pause."""


def _mutatie(opdracht: Opdracht[Wijzigingsinstructie], velden: dict[str, Any]) -> HttpVerzoek:
    instructie = opdracht.instructie
    return HttpVerzoek(
        "PATCH",
        f"{PAD}/{padsegment(opdracht.gevonden())}",
        body={
            "verzoekId": opdracht.instructie_id,
            "opdrachtgever": {"oin": LOKET.oin},
            **velden,
            "motivering": f"{instructie.reden} [casus {instructie.casus_id}]",
        },
    )


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """Extend: ``eindDatum`` (inclusive) alone."""
    einde = opdracht.instructie.periode.einddatum
    return _mutatie(opdracht, {"eindDatum": einde.isoformat()})


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """End: ``status`` ``BEEINDIGD`` with the last pause day, the day before ``opheffingsdatum``."""
    laatste_dag = opdracht.instructie.opheffingsdatum - dt.timedelta(days=1)
    return _mutatie(opdracht, {"status": "BEEINDIGD", "eindDatum": laatste_dag.isoformat()})


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Pauze, fout=Fout, codes=FOUTCODES, weigering=frozenset({404, 422})
)
"""Read DUO's answer to a ``PATCH``; a refusal names the pause's ``duoKenmerk``."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
