"""Connector for the CJIB: time-out instructions become *opschortingsverzoeken*, information
requests *bevragingen*."""

from connectors.base.koppeling import Koppeling
from connectors.cjib.deelname import VERTALINGEN as DEELNAME
from connectors.cjib.informatie import INFORMATIE
from connectors.cjib.vertaling import OPDRACHT
from connectors.cjib.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.CJIB,
    standaard_url="http://127.0.0.1:8102",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
