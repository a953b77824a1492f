"""The conformance kit: ``maatwerk-connector certify --agency X`` certifies a connector before it
goes live (docs/ARCHITECTURE.md, "Certifying a connector")."""

from connectors.certificering.certificaat import Certificaat, Controle, Resultaat, Uitkomst
from connectors.certificering.controles import NAMEN
from connectors.certificering.kit import Opstelling, certificeer
from connectors.certificering.runner import voer_uit

__all__ = [
    "NAMEN",
    "Certificaat",
    "Controle",
    "Opstelling",
    "Resultaat",
    "Uitkomst",
    "certificeer",
    "voer_uit",
]
