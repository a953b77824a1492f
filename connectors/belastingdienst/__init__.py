"""Connector for the Belastingdienst: time-out instructions become *invorderingsstops*, information
requests *inlichtingenverzoeken*."""

from connectors.base.koppeling import Koppeling
from connectors.belastingdienst.deelname import VERTALINGEN as DEELNAME
from connectors.belastingdienst.informatie import INFORMATIE
from connectors.belastingdienst.vertaling import OPDRACHT
from connectors.belastingdienst.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.BELASTINGDIENST,
    standaard_url="http://127.0.0.1:8101",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
