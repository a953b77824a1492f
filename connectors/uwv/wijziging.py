"""UWV: extension (new ``einddatum``) and ending (*beeindiging*) of an *invorderingsstop*, and
their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Both act on the stop under its ``stopnummer``: the instruction's ``referentie`` when the hub sends
it, else found with ``GET /uwv/terugvordering/v1/aanvragen/<original instruction id>``.
"""

from __future__ import annotations

from typing import Any

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.uwv.vertaling import AGENCY, PAD, Fout
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

CODES: dict[str, Redencode] = {
    "STOP_NIET_GEVONDEN": Redencode.ONBEKENDE_VORDERING,
    "STOP_AFGELOPEN": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "HERVATTEN_NA_EINDDATUM": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``meldingen[0].code`` of a change (HTTP 404 or 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the stop registered for the original instruction (its
    ``aanvraag_kenmerk``)."""
    return HttpVerzoek("GET", f"/uwv/terugvordering/v1/aanvragen/{padsegment(instructie_id)}")


class _Gevonden(Gelukt[str | Uitkomst]):
    stopnummer: str  # the agency's field name

    def uitkomst(self) -> str | Uitkomst:
        return self.stopnummer


lees_opschorting = Antwoordlezer(
    AGENCY,
    gelukt=_Gevonden,
    fout=Fout,
    weigering=frozenset({404}),
    overige=Redencode.ONBEKENDE_VORDERING,
)
"""The ``stopnummer`` found, or a refusal when the UWV registered no stop (404)."""


def _pad(opdracht: Opdracht[Wijzigingsinstructie], wat: str) -> str:
    return f"{PAD}/{padsegment(opdracht.gevonden())}/{wat}"


def _kop(opdracht: Opdracht[Wijzigingsinstructie]) -> dict[str, Any]:
    instructie = opdracht.instructie
    return {
        "aanvraag_kenmerk": opdracht.instructie_id,
        "aanvrager_oin": LOKET.oin,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """``PUT .../{stopnummer}/einddatum``: the new last day (inclusive)."""
    einde = opdracht.instructie.periode.einddatum
    return HttpVerzoek(
        "PUT",
        _pad(opdracht, "einddatum"),
        body={**_kop(opdracht), "einddatum": einde.isoformat()},
    )


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """``POST .../{stopnummer}/beeindiging``, collection resumes ``hervatten_per`` (=
    ``opheffingsdatum``)."""
    per = opdracht.instructie.opheffingsdatum
    return HttpVerzoek(
        "POST",
        _pad(opdracht, "beeindiging"),
        body={**_kop(opdracht), "hervatten_per": per.isoformat()},
    )


class _Gewijzigd(Gelukt[Uitkomst]):
    stopnummer: str  # the agency's field names
    mutatienummer: str | None = None

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(referentie=self.stopnummer, wijzigingsreferentie=self.mutatienummer)


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Gewijzigd, fout=Fout, codes=CODES, weigering=frozenset({404, 422})
)
"""Read the UWV's answer to a change; a refusal names the stop's ``stopnummer``."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
