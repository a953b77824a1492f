"""Connector for the UWV: time-out instructions become *invorderingsstops* on recoveries
(*terugvorderingen*), information requests *klantbeeld* queries."""

from connectors.base.koppeling import Koppeling
from connectors.uwv.deelname import VERTALINGEN as DEELNAME
from connectors.uwv.informatie import INFORMATIE
from connectors.uwv.vertaling import OPDRACHT
from connectors.uwv.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.UWV,
    standaard_url="http://127.0.0.1:8106",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
