"""Connector for the CJIB: time-out instructions become *opschortingsverzoeken*."""

from connectors.base.koppeling import Koppeling
from connectors.cjib.client import CjibClient
from connectors.cjib.vertaling import naar_antwoord, naar_verzoek
from connectors.cjib.wijziging import WIJZIGINGEN
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.CJIB,
    standaard_url="http://127.0.0.1:8102",
    client=CjibClient,
    naar_verzoek=naar_verzoek,
    naar_antwoord=naar_antwoord,
    wijzigingen=WIJZIGINGEN,
)

__all__ = ["KOPPELING", "WIJZIGINGEN", "CjibClient", "naar_antwoord", "naar_verzoek"]
