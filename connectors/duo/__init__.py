"""Connector for DUO: time-out instructions become *betalingspauzes*."""

from connectors.base.koppeling import Koppeling
from connectors.duo.client import DuoClient
from connectors.duo.vertaling import naar_antwoord, naar_verzoek
from connectors.duo.wijziging import WIJZIGINGEN
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.DUO,
    standaard_url="http://127.0.0.1:8103",
    client=DuoClient,
    naar_verzoek=naar_verzoek,
    naar_antwoord=naar_antwoord,
    wijzigingen=WIJZIGINGEN,
)

__all__ = ["KOPPELING", "WIJZIGINGEN", "DuoClient", "naar_antwoord", "naar_verzoek"]
