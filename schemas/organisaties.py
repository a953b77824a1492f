"""The organisations that take part, with the OIN each uses as message source.

The OINs below are fictitious example numbers for development and tests (20 digits, prefix
``0000000`` like real government OINs); a deployment sets the real ones through configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Uitvoerder(StrEnum):
    """Agencies and other organisations that receive instructions from the hub."""

    BELASTINGDIENST = "belastingdienst"
    CJIB = "cjib"
    DUO = "duo"
    CAK = "cak"
    SVB = "svb"
    UWV = "uwv"
    IND = "ind"
    GEMEENTE = "gemeente"


@dataclass(frozen=True, slots=True)
class Organisatie:
    """A connected organisation: its code (also its Kafka principal name), name, OIN and system."""

    code: str
    naam: str
    oin: str
    systeem: str

    @property
    def source(self) -> str:
        return f"urn:nld:oin:{self.oin}:systeem:{self.systeem}"


LOKET = Organisatie(
    "loket", "Landelijk Maatwerkloket Multiproblematiek", "00000001999999990001", "loket"
)
HUB = Organisatie("hub", "maatwerk-hub", "00000001999999990002", "maatwerk-hub")
LET = Organisatie("let", "Landelijk Escalatie Team", "00000001999999990003", "let")
BEHEER = Organisatie("beheer", "Beheer maatwerk-hub", "00000001999999990004", "beheer")
"""The hub's operators."""

UITVOERDERS: dict[Uitvoerder, Organisatie] = {
    Uitvoerder.BELASTINGDIENST: Organisatie(
        "belastingdienst", "Belastingdienst", "00000001999999990101", "connector-belastingdienst"
    ),
    Uitvoerder.CJIB: Organisatie(
        "cjib", "Centraal Justitieel Incassobureau", "00000001999999990102", "connector-cjib"
    ),
    Uitvoerder.DUO: Organisatie(
        "duo", "Dienst Uitvoering Onderwijs", "00000001999999990103", "connector-duo"
    ),
    Uitvoerder.CAK: Organisatie(
        "cak", "Centraal Administratie Kantoor", "00000001999999990104", "connector-cak"
    ),
    Uitvoerder.SVB: Organisatie(
        "svb", "Sociale Verzekeringsbank", "00000001999999990105", "connector-svb"
    ),
    Uitvoerder.UWV: Organisatie(
        "uwv",
        "Uitvoeringsinstituut Werknemersverzekeringen",
        "00000001999999990106",
        "connector-uwv",
    ),
    Uitvoerder.IND: Organisatie(
        "ind", "Immigratie- en Naturalisatiedienst", "00000001999999990107", "connector-ind"
    ),
    Uitvoerder.GEMEENTE: Organisatie(
        "gemeente", "Gemeente (voorbeeld)", "00000001999999990108", "connector-gemeente"
    ),
}


DEELNEMERS: tuple[Organisatie, ...] = (
    Organisatie("gemeente-utrecht", "Gemeente Utrecht", "00000001999999990201", "maatwerk"),
    Organisatie("gemeente-rotterdam", "Gemeente Rotterdam", "00000001999999990202", "maatwerk"),
    Organisatie("gemeente-zwolle", "Gemeente Zwolle", "00000001999999990203", "maatwerk"),
    Organisatie("zorgverzekeraar", "Zorgverzekeraar Voorbeeld", "00000001999999990301", "maatwerk"),
    Organisatie("zorgkantoor", "Zorgkantoor Voorbeeld", "00000001999999990302", "maatwerk"),
)
"""Organisations that take part without a connector: municipalities, a health insurer and a care
office. They use the hub's API (the register, what is shared with them); their back-offices get
no instructions from the hub."""

ORGANISATIES: tuple[Organisatie, ...] = (
    LOKET,
    HUB,
    LET,
    BEHEER,
    *UITVOERDERS.values(),
    *DEELNEMERS,
)
"""Every organisation that takes part, each with its own identity (OIN)."""
