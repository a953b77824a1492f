"""SVB: the time-out instruction as an *invorderingsonderbreking*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
The SVB speaks in envelopes: ``{"metadata": {...}, "aanvraag": {...}}`` out,
``{"resultaat": {...}}`` back, an error ``{"melding": {"code", "tekst", "soort"}}``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Weigering
from schemas.opschorting import Maatregel, OpschortingInstructie, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "SVB"
PAD = "/svb/api/terugvordering/v1/invorderingsonderbrekingen"
"""Idempotent on ``metadata.correlatieId`` (the instruction's event id): a repeat returns the
same ``onderbrekingsnummer`` without a second interruption."""

ONDERDELEN: dict[Maatregel, str | None] = {
    Maatregel.INVORDERING: "INVORDERING",
    Maatregel.BESLAG: "BESLAG",
    Maatregel.VERREKENING: "VERREKENING",
    Maatregel.VERHOGING: "INCASSOKOSTEN",
    Maatregel.RENTE: None,
    Maatregel.DWANGBEVEL: "DWANGBEVEL",
}
"""Standard measure -> the SVB's ``Invorderingsonderdeel``. The SVB charges no interest on a
recovery: ``rente`` has none."""

CODES: dict[str, Redencode] = {
    "ONDERBREKING_LANGER_DAN_12_MAANDEN": Redencode.TERMIJN_ONGELDIG,
    "KLANT_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
    "ALLE_VORDERINGEN_UITGESLOTEN": Redencode.WETTELIJK_UITGESLOTEN,
    "GEEN_ONDERBREEKBARE_VORDERINGEN": Redencode.ONBEKENDE_VORDERING,
}
"""Refusal ``melding.code`` (HTTP 422) -> standard reason code."""

REDENEN: dict[str, Redencode] = {
    "FRAUDEVORDERING": Redencode.WETTELIJK_UITGESLOTEN,
    "VORDERING_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Per-claim ``reden`` when ``NIET_ONDERBROKEN`` -> standard reason code."""


def metadata(correlatie_id: str) -> dict[str, Any]:
    """The envelope's ``metadata``: the request's key and who sends it."""
    return {"correlatieId": correlatie_id, "afzender": {"oin": LOKET.oin}}


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek | Uitkomst:
    """``POST .../invorderingsonderbrekingen``, or a refusal when there is nothing the SVB can
    interrupt (only ``rente`` asked)."""
    instructie = opdracht.instructie
    onderdelen = [c for c in dict.fromkeys(ONDERDELEN[m] for m in instructie.maatregelen) if c]
    if not onderdelen:
        return Weigering(
            redencode=Redencode.WETTELIJK_UITGESLOTEN,
            reden="De SVB rekent geen rente over een terugvordering; er is niets te onderbreken.",
        )
    aanvraag = {
        "klanten": [{"bsn": bsn} for bsn in opdracht.bsns],
        "vorderingnummers": None
        if instructie.vorderingen is None
        else list(instructie.vorderingen),
        "periode": {
            "begindatum": instructie.periode.ingangsdatum.isoformat(),
            "einddatum": instructie.periode.einddatum.isoformat(),
        },
        "onderdelen": onderdelen,
        "grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    body = {"metadata": metadata(opdracht.instructie_id), "aanvraag": aanvraag}
    return HttpVerzoek("POST", PAD, body=body)


class _Vordering(Lezer):
    vorderingnummer: str
    status: Literal["ONDERBROKEN", "NIET_ONDERBROKEN"]
    reden: str | None = None

    def resultaat(self) -> VorderingResultaat:
        onderbroken = self.status == "ONDERBROKEN"
        reden = self.reden or "NIET_ONDERBROKEN"
        return opschorting.vordering(self.vorderingnummer, onderbroken, reden, redenen=REDENEN)


class _Onderbreking(Lezer):
    onderbrekingsnummer: str
    vorderingen: list[_Vordering] = Field(default_factory=list)


class _Resultaat(Gelukt[Uitkomst]):
    resultaat: _Onderbreking

    def uitkomst(self) -> Uitkomst:
        r = self.resultaat
        return Bevestiging(
            referentie=r.onderbrekingsnummer,
            vorderingen=tuple(v.resultaat() for v in r.vorderingen),
        )


class _Melding(Lezer):
    code: str
    tekst: str = ""


class Fout(Foutbericht):
    """The SVB's error envelope ``{"melding": {"code", "tekst", "soort"}}`` (orders, changes,
    look-ups, queries), with the per-claim results of a refused order."""

    melding: _Melding
    vorderingen_: list[_Vordering] = Field(default_factory=list, alias="vorderingen")

    def code_en_tekst(self) -> tuple[str, str]:
        return self.melding.code, self.melding.tekst

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        return tuple(v.resultaat() for v in self.vorderingen_)


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Resultaat, fout=Fout, codes=CODES)
"""Read the SVB's answer to an *invorderingsonderbreking*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
