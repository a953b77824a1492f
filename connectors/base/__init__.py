"""The connector runtime shared by every agency (``connectors.<agency>`` packages plug into it)."""

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord, BackofficeClient, BackofficeOnbereikbaar
from connectors.base.koppeling import Koppeling, OnbekendeUitvoerder, laad_koppeling
from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar, Opdracht, lees_instructie
from connectors.base.runtime import (
    ANTWOORD_NAMESPACE,
    DeadLetterHeader,
    Herhaalbeleid,
    InstructieVerwerker,
    antwoord_event_id,
    bouw_broker,
)
from connectors.base.settings import ConnectorSettings, get_settings

__all__ = [
    "ANTWOORD_NAMESPACE",
    "BackofficeAntwoord",
    "BackofficeClient",
    "BackofficeOnbereikbaar",
    "Bevestiging",
    "ConnectorSettings",
    "DeadLetterHeader",
    "DeadLetterReden",
    "Herhaalbeleid",
    "InstructieVerwerker",
    "Koppeling",
    "OnbekendeUitvoerder",
    "Onverwerkbaar",
    "Opdracht",
    "Uitkomst",
    "Weigering",
    "antwoord_event_id",
    "bouw_broker",
    "get_settings",
    "laad_koppeling",
    "lees_instructie",
    "maak_antwoord",
    "onverwacht",
]
