"""Connector for the CAK: time-out instructions become *incassostops*, information requests
*gegevensleveringen*."""

from connectors.base.koppeling import Koppeling
from connectors.cak.deelname import VERTALINGEN as DEELNAME
from connectors.cak.informatie import INFORMATIE
from connectors.cak.vertaling import OPDRACHT
from connectors.cak.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.CAK,
    standaard_url="http://127.0.0.1:8104",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
