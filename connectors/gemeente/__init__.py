"""Connector for the municipalities (``gemeente``): ONE process serves MANY municipalities, each
with its own OIN, back-office and certificate (:mod:`connectors.gemeente.gemeenten`). Time-out
instructions become *opschortingsbesluiten* on social-assistance and Wmo contribution claims,
information requests *dossieroverzicht* queries, each at the municipality the instruction names
(its ``gemeente``: the household's municipality of residence)."""

from connectors.base.koppeling import Koppeling, Proefpersonen
from connectors.gemeente.deelname import VERTALINGEN as DEELNAME
from connectors.gemeente.gemeenten import maak_router
from connectors.gemeente.informatie import INFORMATIE
from connectors.gemeente.vertaling import OPDRACHT
from connectors.gemeente.wijziging import OPHEFFING, VERLENGING
from schemas.informatie import InformatieVerzoek
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder

UTRECHT = "00000001999999990201"
"""The municipality the conformance kit addresses (seeded with the kit's test persons)."""

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder.GEMEENTE,
    standaard_url="http://127.0.0.1:8108",
    vertalingen={
        OpschortingInstructie.event_type: OPDRACHT,
        OpschortingVerlengingInstructie.event_type: VERLENGING,
        OpschortingOpheffingInstructie.event_type: OPHEFFING,
        InformatieVerzoek.event_type: INFORMATIE,
        **DEELNAME,
    },
    proefpersonen=Proefpersonen(gemeente=UTRECHT),
    maak_backoffice=maak_router,
)

__all__ = ["KOPPELING"]
