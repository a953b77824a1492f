"""Gemeente: the time-out instruction as an *opschortingsbesluit* at the municipality's
social-services back-office, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file. Every
request names the municipality (``bestemming``: the instruction's ``gemeente``); the connector's
router sends it to that municipality's back-office with its certificate
(:mod:`connectors.gemeente.gemeenten`), and every answer names the municipality that answered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal, TypeVar

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Opschortingsinstructie, Uitkomst, Weigering
from connectors.base.vertaling import Opzoeking, Vertaling
from connectors.gemeente.gemeenten import NIET_BEDIEND
from schemas.opschorting import (
    Antwoord,
    Maatregel,
    OpschortingInstructie,
    Redencode,
    VorderingResultaat,
)
from schemas.organisaties import LOKET

AGENCY = "gemeente"
PAD = "/opschortingen"
"""Under the municipality's back-office URL. Idempotent on ``verzoekId`` (the instruction's event
id): a repeat returns the same ``besluitnummer`` without a second decision."""

MAATREGELEN: dict[Maatregel, str | None] = {
    Maatregel.INVORDERING: "INNING",
    Maatregel.BESLAG: "BESLAG",
    Maatregel.VERREKENING: "VERREKENING",
    Maatregel.VERHOGING: "INVORDERINGSKOSTEN",
    Maatregel.RENTE: None,
    Maatregel.DWANGBEVEL: "DWANGBEVEL",
}
"""Standard measure -> the back-office's ``maatregelen``. A municipality charges no interest on a
social-assistance claim: ``rente`` has none."""

CODES: dict[str, Redencode] = {
    "BURGER_NIET_INGESCHREVEN": Redencode.ONBEKENDE_PERSOON,
    "INGANGSDATUM_TE_VER_TERUG": Redencode.TERMIJN_ONGELDIG,
    "TERMIJN_TE_LANG": Redencode.TERMIJN_ONGELDIG,
    "GEEN_DOSSIER": Redencode.ONBEKENDE_VORDERING,
    "NIETS_OP_TE_SCHORTEN": Redencode.WETTELIJK_UITGESLOTEN,
    "GEMEENTE_NIET_BEDIEND": Redencode.ONVERWERKBAAR,
}
"""Refusal ``fouten[0].code`` (HTTP 422; 421 from the connector's router) -> standard reason."""

WEIGERCODES: dict[str, Redencode] = {
    "FRAUDEVORDERING": Redencode.WETTELIJK_UITGESLOTEN,
    "INNING_DOOR_CAK": Redencode.WETTELIJK_UITGESLOTEN,
    "ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Per-dossier ``weigercode`` when ``NIET_OPGESCHORT`` -> standard reason code."""


def geen_gemeente() -> Weigering:
    """An instruction for gemeente that names no municipality: nothing can be routed."""
    return Weigering(
        redencode=Redencode.ONVERWERKBAAR,
        reden="De instructie noemt geen gemeente (gemeente: de OIN van de woongemeente van het "
        "huishouden); de connector weet niet welke gemeente het betreft.",
    )


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek | Uitkomst:
    """``POST {municipality}/opschortingen``, or a refusal when nothing can be asked (no
    municipality named, or only ``rente``)."""
    instructie = opdracht.instructie
    if instructie.gemeente is None:
        return geen_gemeente()
    maatregelen = [m for m in dict.fromkeys(MAATREGELEN[m] for m in instructie.maatregelen) if m]
    if not maatregelen:
        return Weigering(
            redencode=Redencode.WETTELIJK_UITGESLOTEN,
            reden="De gemeente rekent geen rente over een vordering; er is niets op te schorten.",
        )
    body = {
        "verzoekId": opdracht.instructie_id,
        "aanvragerOin": LOKET.oin,
        "burgers": [{"bsn": bsn} for bsn in opdracht.bsns],
        "dossiernummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "ingangsdatum": instructie.periode.ingangsdatum.isoformat(),
        "totEnMet": instructie.periode.einddatum.isoformat(),
        "maatregelen": maatregelen,
        "grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body, bestemming=instructie.gemeente)


class _Dossier(Lezer):
    dossiernummer: str  # the back-office's field names
    besluit: Literal["OPGESCHORT", "NIET_OPGESCHORT"]
    weigercode: str | None = None

    def resultaat(self) -> VorderingResultaat:
        opgeschort = self.besluit == "OPGESCHORT"
        reden = self.weigercode or "NIET_OPGESCHORT"
        return opschorting.vordering(self.dossiernummer, opgeschort, reden, redenen=WEIGERCODES)


class _Besluit(Gelukt[Uitkomst]):
    besluitnummer: str
    dossiers: list[_Dossier] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.besluitnummer,
            vorderingen=tuple(d.resultaat() for d in self.dossiers),
        )


class _Melding(Lezer):
    code: str
    melding: str = ""


class Fout(Foutbericht):
    """The back-office's error body, ``{"fouten": [{"code", "melding"}]}`` (decisions, changes
    and look-ups alike); a refused decision also lists its dossiers."""

    fouten: list[_Melding] = Field(min_length=1)
    dossiers: list[_Dossier] = Field(default_factory=list)

    def code_en_tekst(self) -> tuple[str, str]:
        return self.fouten[0].code, self.fouten[0].melding

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        return tuple(d.resultaat() for d in self.dossiers)


lees_antwoord = Antwoordlezer(
    AGENCY, gelukt=_Besluit, fout=Fout, codes=CODES, weigering=frozenset({422, NIET_BEDIEND})
)
"""Read the back-office's answer to an *opschortingsbesluit*."""


def namens_gemeente(
    opdracht: Opdracht[Opschortingsinstructie], uitkomst: Uitkomst, beantwoord_op: datetime
) -> Antwoord:
    """The contract answer, naming the municipality that answered (the instruction's)."""
    antwoord = opschorting.maak_antwoord(opdracht, uitkomst, beantwoord_op)
    return antwoord.model_copy(update={"gemeente": opdracht.instructie.gemeente})


I = TypeVar("I", bound=Opschortingsinstructie)  # noqa: E741


def vertaling(
    naar_verzoek: Callable[[Opdracht[I]], HttpVerzoek | Uitkomst],
    lees: Callable[[Opdracht[I], BackofficeAntwoord], Uitkomst],
    opzoeking: Opzoeking[I, Uitkomst] | None = None,
) -> Vertaling[I, Uitkomst]:
    """A time-out translation for gemeente: answered by :func:`namens_gemeente`."""
    return Vertaling(
        naar_verzoek=naar_verzoek,
        lees_antwoord=lees,
        maak_antwoord=namens_gemeente,
        opzoeking=opzoeking,
    )


OPDRACHT = vertaling(naar_verzoek, lees_antwoord)
