"""The instructions the kit publishes as the hub would: per instruction type a builder, each BSN
sealed with the agency's public key, answer due ``termijn`` from now.

Extensions and liftings refer to a time-out order the kit sent first (:func:`opdracht`); the
connector finds the back-office's reference itself (its look-up step), as it does for the hub.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from schemas import CloudEvent, make_event
from schemas.casus import Urgentie
from schemas.escalatie import EscalatieUitnodigingInstructie, Overlegmoment
from schemas.gedeeld import Bedrag, Partij, Partijsoort, Regel
from schemas.informatie import Afspraak, Gegevenscategorie, InformatieVerzoek
from schemas.opschorting import (
    Maatregel,
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Periode,
    PersoonVersleuteld,
)
from schemas.organisaties import HUB, LOKET, Uitvoerder
from schemas.overbrugging import TerugbetalingsverzoekInstructie
from schemas.versleuteling import generate_private_key, public_key_text, seal

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def casus_id() -> str:
    return "MWL-2026-" + "".join(secrets.choice(CROCKFORD) for _ in range(10))


def _persoon(bsn: str, publiek: X25519PublicKey) -> PersoonVersleuteld:
    return PersoonVersleuteld(
        pseudoniem=f"psn-{uuid.uuid4().hex}", bsn_versleuteld=seal(bsn, publiek)
    )


def opdracht(
    uitvoerder: Uitvoerder,
    bsn: str,
    publiek: X25519PublicKey,
    termijn: dt.timedelta,
    gemeente: str | None = None,
) -> CloudEvent[OpschortingInstructie]:
    """A time-out order for ``bsn``: all of its claims, the usual measures, 90 days from today;
    ``gemeente``: the municipality it goes to (the gemeente connector serves many)."""
    casus = casus_id()
    vandaag = dt.date.today()
    data = OpschortingInstructie(
        opschorting_id=str(uuid.uuid4()),
        casus_id=casus,
        uitvoerder=uitvoerder,
        personen=(_persoon(bsn, publiek),),
        vorderingen=None,
        maatregelen=(Maatregel.INVORDERING, Maatregel.BESLAG, Maatregel.VERREKENING),
        periode=Periode(ingangsdatum=vandaag, einddatum=vandaag + dt.timedelta(days=90)),
        grondslag="Time-outbevoegdheid Landelijk Maatwerkloket",
        reden="Certificering van de connector",
        reageer_uiterlijk=dt.datetime.now(dt.UTC) + termijn,
        gemeente=gemeente,
    )
    return make_event(data, source=HUB.source, subject=casus)


def _wijziging(
    origineel: CloudEvent[OpschortingInstructie], termijn: dt.timedelta
) -> dict[str, Any]:
    data = origineel.data
    return {
        "opschorting_id": data.opschorting_id,
        "casus_id": data.casus_id,
        "uitvoerder": data.uitvoerder,
        "instructie_id": origineel.id,
        "referentie": None,
        "personen": data.personen,
        "vorderingen": data.vorderingen,
        "reden": "Certificering van de connector",
        "reageer_uiterlijk": dt.datetime.now(dt.UTC) + termijn,
        "gemeente": data.gemeente,
    }


def verlenging(
    origineel: CloudEvent[OpschortingInstructie], termijn: dt.timedelta
) -> CloudEvent[OpschortingVerlengingInstructie]:
    periode = origineel.data.periode
    data = OpschortingVerlengingInstructie(
        **_wijziging(origineel, termijn),
        periode=Periode(
            ingangsdatum=periode.ingangsdatum, einddatum=periode.einddatum + dt.timedelta(days=30)
        ),
    )
    return make_event(data, source=HUB.source, subject=data.casus_id)


def opheffing(
    origineel: CloudEvent[OpschortingInstructie], termijn: dt.timedelta
) -> CloudEvent[OpschortingOpheffingInstructie]:
    data = OpschortingOpheffingInstructie(
        **_wijziging(origineel, termijn), opheffingsdatum=dt.date.today()
    )
    return make_event(data, source=HUB.source, subject=data.casus_id)


def informatieverzoek(
    uitvoerder: Uitvoerder,
    bsn: str,
    publiek: X25519PublicKey,
    termijn: dt.timedelta,
    gemeente: str | None = None,
) -> CloudEvent[InformatieVerzoek]:
    """A request for the person's claims, its answer sealed for a key the kit makes and drops
    (the kit checks the answer's shape, not its content)."""
    casus = casus_id()
    nu = dt.datetime.now(dt.UTC)
    data = InformatieVerzoek(
        verzoek_id=str(uuid.uuid4()),
        casus_id=casus,
        verzoeker=Partij(oin=LOKET.oin, naam=LOKET.naam, soort=Partijsoort.LOKET),
        verstrekker=uitvoerder,
        doel="schuldenoverzicht",
        grondslag=Regel(
            regeling="Wet aanpak meervoudige problematiek sociaal domein", artikel="artikel 2"
        ),
        afspraak=Afspraak(kenmerk="AFS-CERT-01", toegestane_categorieen=tuple(Gegevenscategorie)),
        gevraagde_categorieen=(Gegevenscategorie.VORDERINGEN,),
        personen=(_persoon(bsn, publiek),),
        reageer_uiterlijk=nu + termijn,
        gevraagd_op=nu,
        ontvanger_sleutel=public_key_text(generate_private_key().public_key()),
        gemeente=gemeente,
    )
    return make_event(data, source=HUB.source, subject=casus)


def uitnodiging(
    uitvoerder: Uitvoerder,
    bsn: str,
    publiek: X25519PublicKey,
    termijn: dt.timedelta,
    gemeente: str | None = None,
) -> CloudEvent[EscalatieUitnodigingInstructie]:
    """An invitation to an escalation whose meeting is a week from now."""
    casus = casus_id()
    escalatie_id = str(uuid.uuid4())
    data = EscalatieUitnodigingInstructie(
        escalatie_id=escalatie_id,
        casus_id=casus,
        uitvoerder=uitvoerder,
        personen=(_persoon(bsn, publiek),),
        dossierkenmerk=escalatie_id,
        gevraagde_rol="directeur uitvoering",
        urgentie=Urgentie.HOOG,
        overleg=Overlegmoment(
            overleg_id=str(uuid.uuid4()),
            aanvang=dt.datetime.now(dt.UTC) + dt.timedelta(days=7),
            duur_minuten=60,
            locatie="online",
        ),
        reageer_uiterlijk=dt.datetime.now(dt.UTC) + termijn,
        gemeente=gemeente,
    )
    return make_event(data, source=HUB.source, subject=casus)


def terugbetalingsverzoek(
    uitvoerder: Uitvoerder,
    bsn: str,
    publiek: X25519PublicKey,
    termijn: dt.timedelta,
    gemeente: str | None = None,
) -> CloudEvent[TerugbetalingsverzoekInstructie]:
    """A repayment request of EUR 1.050,00, due in 30 days, to the loket as pre-financer."""
    casus = casus_id()
    verzoek_id = str(uuid.uuid4())
    data = TerugbetalingsverzoekInstructie(
        overbrugging_id=str(uuid.uuid4()),
        casus_id=casus,
        verzoek_id=verzoek_id,
        uitvoerder=uitvoerder,
        personen=(_persoon(bsn, publiek),),
        bedrag=Bedrag(centen=105_000),
        uiterlijk=dt.date.today() + dt.timedelta(days=30),
        betalingskenmerk=f"OVB-{verzoek_id[:8].upper()}",
        voorfinancierder=Partij(oin=LOKET.oin, naam=LOKET.naam, soort=Partijsoort.LOKET),
        reageer_uiterlijk=dt.datetime.now(dt.UTC) + termijn,
        gemeente=gemeente,
    )
    return make_event(data, source=HUB.source, subject=casus)


Bouwer = Callable[[Uitvoerder, str, X25519PublicKey, dt.timedelta, str | None], CloudEvent[Any]]
ZELFSTANDIG: dict[str, Bouwer] = {
    OpschortingInstructie.event_type: opdracht,
    InformatieVerzoek.event_type: informatieverzoek,
    EscalatieUitnodigingInstructie.event_type: uitnodiging,
    TerugbetalingsverzoekInstructie.event_type: terugbetalingsverzoek,
}
"""Instruction types the kit can build on their own (no earlier instruction needed)."""

WIJZIGINGEN: dict[
    str, Callable[[CloudEvent[OpschortingInstructie], dt.timedelta], CloudEvent[Any]]
] = {
    OpschortingVerlengingInstructie.event_type: verlenging,
    OpschortingOpheffingInstructie.event_type: opheffing,
}
"""Instruction types that change a time-out order sent before, in the order the kit sends them."""
