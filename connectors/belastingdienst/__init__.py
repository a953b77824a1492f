"""Connector for the Belastingdienst: time-out instructions become *invorderingsstops*."""

from connectors.base.koppeling import Koppeling
from connectors.belastingdienst.client import BelastingdienstClient
from connectors.belastingdienst.vertaling import naar_antwoord, naar_verzoek
from connectors.belastingdienst.wijziging import WIJZIGINGEN
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.BELASTINGDIENST,
    standaard_url="http://127.0.0.1:8101",
    client=BelastingdienstClient,
    naar_verzoek=naar_verzoek,
    naar_antwoord=naar_antwoord,
    wijzigingen=WIJZIGINGEN,
)

__all__ = ["KOPPELING", "WIJZIGINGEN", "BelastingdienstClient", "naar_antwoord", "naar_verzoek"]
