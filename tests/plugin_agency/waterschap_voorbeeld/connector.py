"""The water board's connector: a time-out instruction becomes a *invorderingsstop* on its
water-board taxes, and its answer comes back as the standard answer.

Pure translation on the project's connector runtime (``maatwerk-connector run --agency
waterschap`` finds ``KOPPELING`` through its entry point).
"""

from __future__ import annotations

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.koppeling import Koppeling
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst
from schemas.opschorting import OpschortingInstructie, Redencode
from schemas.organisaties import Uitvoerder

PAD = "/waterschap/invorderingsstops"


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek:
    instructie = opdracht.instructie
    return HttpVerzoek(
        "POST",
        PAD,
        body={
            "kenmerkKeten": opdracht.instructie_id,
            "belastingplichtigen": list(opdracht.bsns),
            "van": instructie.periode.ingangsdatum.isoformat(),
            "totEnMet": instructie.periode.einddatum.isoformat(),
        },
    )


class _Stop(Gelukt[Uitkomst]):
    stopnummer: str

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(referentie=self.stopnummer)


class _Fout(Foutbericht):
    foutcode: str
    omschrijving: str = ""

    def code_en_tekst(self) -> tuple[str, str]:
        return self.foutcode, self.omschrijving


lees_antwoord = Antwoordlezer(
    "Waterschap",
    gelukt=_Stop,
    fout=_Fout,
    codes={"ONBEKENDE_BELASTINGPLICHTIGE": Redencode.ONBEKENDE_PERSOON},
)

KOPPELING = Koppeling(
    uitvoerder=Uitvoerder("waterschap"),
    standaard_url="http://127.0.0.1:8109",
    vertalingen={
        OpschortingInstructie.event_type: opschorting.vertaling(naar_verzoek, lees_antwoord)
    },
)
