"""Connector for the Belastingdienst: time-out instructions become *invorderingsstops*."""

from connectors.base.koppeling import Koppeling
from connectors.belastingdienst.vertaling import OPDRACHT
from connectors.belastingdienst.wijziging import OPHEFFING, VERLENGING
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
    },
)

__all__ = ["KOPPELING"]
