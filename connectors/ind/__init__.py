"""Connector for the IND: time-out instructions become *uitstel van betaling* of fees (*leges*),
information requests *overzichten*."""

from connectors.base.koppeling import Koppeling
from connectors.ind.deelname import VERTALINGEN as DEELNAME
from connectors.ind.informatie import INFORMATIE
from connectors.ind.vertaling import OPDRACHT
from connectors.ind.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.IND,
    standaard_url="http://127.0.0.1:8107",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
)

__all__ = ["KOPPELING"]
