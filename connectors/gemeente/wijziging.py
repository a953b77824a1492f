"""Gemeente: extension (``PATCH``, new ``totEnMet``) and lifting (*intrekking*) of an
*opschortingsbesluit*, and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Both act on the decision under its ``besluitnummer``: the instruction's ``referentie`` when the
hub sends it, else found with ``GET {municipality}/opschortingen?verzoekId=<original instruction
id>``, always at the municipality the instruction names.
"""

from __future__ import annotations

from typing import Any

from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.base.vertaling import Opzoeking
from connectors.gemeente.gemeenten import NIET_BEDIEND
from connectors.gemeente.vertaling import AGENCY, PAD, Fout, vertaling
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

CODES: dict[str, Redencode] = {
    "BESLUIT_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "BESLUIT_BEEINDIGD": Redencode.TERMIJN_ONGELDIG,
    "EINDDATUM_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "TERMIJN_TE_LANG": Redencode.TERMIJN_ONGELDIG,
    "HERVATTEN_NA_EINDDATUM": Redencode.TERMIJN_ONGELDIG,
    "GEMEENTE_NIET_BEDIEND": Redencode.ONVERWERKBAAR,
}
"""Refusal ``fouten[0].code`` of a change (HTTP 404 or 422; 421 from the router) -> standard
reason code."""


def zoek_besluit(opdracht: Opdracht[Wijzigingsinstructie]) -> HttpVerzoek:
    """The look-up of the decision the original instruction made (its ``verzoekId``)."""
    instructie = opdracht.instructie
    return HttpVerzoek(
        "GET",
        PAD,
        query={"verzoekId": instructie.instructie_id},
        bestemming=instructie.gemeente,
    )


class _Gevonden(Gelukt[str | Uitkomst]):
    besluitnummer: str  # the back-office's field name

    def uitkomst(self) -> str | Uitkomst:
        return self.besluitnummer


lees_besluit = Antwoordlezer(
    AGENCY,
    gelukt=_Gevonden,
    fout=Fout,
    codes={"GEMEENTE_NIET_BEDIEND": Redencode.ONVERWERKBAAR},
    weigering=frozenset({404, NIET_BEDIEND}),
    overige=Redencode.ONBEKENDE_VORDERING,
)
"""The ``besluitnummer`` found, or a refusal when the municipality made no decision (404)."""


def _bekend(opdracht: Opdracht[Wijzigingsinstructie]) -> str | None:
    return opdracht.instructie.referentie


def _pad(opdracht: Opdracht[Wijzigingsinstructie], *verder: str) -> str:
    return "/".join((PAD, padsegment(opdracht.gevonden()), *verder))


def _kop(opdracht: Opdracht[Wijzigingsinstructie]) -> dict[str, Any]:
    instructie = opdracht.instructie
    return {
        "verzoekId": opdracht.instructie_id,
        "aanvragerOin": LOKET.oin,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """``PATCH .../opschortingen/{besluitnummer}``: the new last day (inclusive)."""
    einde = opdracht.instructie.periode.einddatum
    return HttpVerzoek(
        "PATCH",
        _pad(opdracht),
        body={**_kop(opdracht), "totEnMet": einde.isoformat()},
        bestemming=opdracht.instructie.gemeente,
    )


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """``POST .../opschortingen/{besluitnummer}/intrekking``: collection resumes
    ``hervattenPer`` (= ``opheffingsdatum``)."""
    per = opdracht.instructie.opheffingsdatum
    return HttpVerzoek(
        "POST",
        _pad(opdracht, "intrekking"),
        body={**_kop(opdracht), "hervattenPer": per.isoformat()},
        bestemming=opdracht.instructie.gemeente,
    )


class _Gewijzigd(Gelukt[Uitkomst]):
    besluitnummer: str  # the back-office's field names
    wijzigingsnummer: str | None = None

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.besluitnummer, wijzigingsreferentie=self.wijzigingsnummer
        )


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Gewijzigd, fout=Fout, codes=CODES, weigering=frozenset({404, 422, NIET_BEDIEND})
)
"""Read the back-office's answer to a change; a refusal names the decision's ``besluitnummer``."""

_OPZOEKING: Opzoeking[Any, Uitkomst] = Opzoeking(
    zoek=zoek_besluit, lees=lees_besluit, bekend=_bekend
)
VERLENGING = vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
