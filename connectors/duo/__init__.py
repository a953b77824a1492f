"""Connector for DUO: time-out instructions become *betalingspauzes*, information requests
*gegevensopvragingen*."""

from connectors.base.koppeling import Koppeling
from connectors.duo.deelname import VERTALINGEN as DEELNAME
from connectors.duo.informatie import INFORMATIE
from connectors.duo.vertaling import OPDRACHT
from connectors.duo.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.DUO,
    standaard_url="http://127.0.0.1:8103",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
