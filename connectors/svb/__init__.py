"""Connector for the SVB: time-out instructions become *invorderingsonderbrekingen* of its
recoveries, information requests *klantbeeld* queries."""

from connectors.base.koppeling import Koppeling
from connectors.svb.deelname import VERTALINGEN as DEELNAME
from connectors.svb.informatie import INFORMATIE
from connectors.svb.vertaling import OPDRACHT
from connectors.svb.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.SVB,
    standaard_url="http://127.0.0.1:8105",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
