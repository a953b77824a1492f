"""CJIB: extension and withdrawal (*intrekking*) of an *opschorting*, and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Both are a *wijziging* of the suspension under its ``cjibReferentie``: the instruction's
``referentie`` when the hub sends it, else found with
``GET /cjib/ketenpartnerverzoeken/<original instruction id>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek, padsegment
from connectors.base.lezer import Antwoordlezer, Gelukt
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Wijzigingsinstructie
from connectors.cjib.vertaling import AGENCY, PAD, Fout
from schemas.opschorting import (
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
)
from schemas.organisaties import LOKET

CODES: dict[str, Redencode] = {
    "OPSCHORTING_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "NIEUW_TOT_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "AL_INGETROKKEN": Redencode.TERMIJN_ONGELDIG,
    "PER_NA_TOT": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``code`` of a *wijziging* (HTTP 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the suspension registered for the original instruction (its
    ``referentieKetenpartner``)."""
    return HttpVerzoek("GET", f"/cjib/ketenpartnerverzoeken/{padsegment(instructie_id)}")


class _Gevonden(Gelukt[str | Uitkomst]):
    cjibReferentie: str  # the agency's field name

    def uitkomst(self) -> str | Uitkomst:
        return self.cjibReferentie


lees_opschorting = Antwoordlezer(
    AGENCY,
    gelukt=_Gevonden,
    fout=Fout,
    weigering=frozenset({404}),
    overige=Redencode.ONBEKENDE_VORDERING,
)
"""The ``cjibReferentie`` found, or a refusal when the CJIB registered no suspension (404)."""


def _pad(opdracht: Opdracht[Wijzigingsinstructie]) -> str:
    return f"{PAD}/{padsegment(opdracht.gevonden())}/wijzigingen"


def _kop(opdracht: Opdracht[Wijzigingsinstructie], soort: str) -> dict[str, Any]:
    return {
        "referentieKetenpartner": opdracht.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "soort": soort,
    }


def _toelichting(opdracht: Opdracht[Wijzigingsinstructie]) -> str:
    return f"{opdracht.instructie.reden} [casus {opdracht.instructie.casus_id}]"


def naar_verlenging(opdracht: Opdracht[OpschortingVerlengingInstructie]) -> HttpVerzoek:
    """A ``VERLENGING``; the CJIB's ``nieuwTot`` is exclusive: ``einddatum + 1 day``."""
    nieuw_tot = opdracht.instructie.periode.einddatum + dt.timedelta(days=1)
    return HttpVerzoek(
        "POST",
        _pad(opdracht),
        body={
            **_kop(opdracht, "VERLENGING"),
            "nieuwTot": nieuw_tot.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


def naar_opheffing(opdracht: Opdracht[OpschortingOpheffingInstructie]) -> HttpVerzoek:
    """An ``INTREKKING`` ``per`` the first day collection may resume (= ``opheffingsdatum``)."""
    return HttpVerzoek(
        "POST",
        _pad(opdracht),
        body={
            **_kop(opdracht, "INTREKKING"),
            "per": opdracht.instructie.opheffingsdatum.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


class _Wijziging(Gelukt[Uitkomst]):
    cjibReferentie: str  # the agency's field names
    wijzigingReferentie: str | None = None

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.cjibReferentie, wijzigingsreferentie=self.wijzigingReferentie
        )


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Wijziging, fout=Fout, codes=CODES)
"""Read the CJIB's answer to a *wijziging*; a refusal names the suspension's reference."""

_OPZOEKING = opschorting.wijzigingsopzoeking(zoek_opschorting, lees_opschorting)
VERLENGING = opschorting.vertaling(naar_verlenging, lees_antwoord, _OPZOEKING)
OPHEFFING = opschorting.vertaling(naar_opheffing, lees_antwoord, _OPZOEKING)
