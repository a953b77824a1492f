"""Builders for connector tests: key pairs and sealed opschorting instructions."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from connectors.base.opdracht import Opdracht
from schemas import CloudEvent, make_event
from schemas.opschorting import (
    Maatregel,
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Periode,
    PersoonVersleuteld,
)
from schemas.organisaties import HUB, Uitvoerder
from schemas.versleuteling import generate_private_key, seal

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
STANDAARD_MAATREGELEN = (Maatregel.INVORDERING, Maatregel.BESLAG, Maatregel.VERREKENING)


def casus_id() -> str:
    return "MWL-2026-" + "".join(random.choice(CROCKFORD) for _ in range(10))


def sleutel() -> X25519PrivateKey:
    return generate_private_key()


def instructie(
    uitvoerder: Uitvoerder | str,
    bsns: Sequence[str],
    publiek: X25519PublicKey,
    *,
    vorderingen: Sequence[str] | None = None,
    maatregelen: Sequence[Maatregel] = STANDAARD_MAATREGELEN,
    ingang: dt.date | None = None,
    dagen: int = 90,
    casus: str | None = None,
    event_id: str | None = None,
    gemeente: str | None = None,
) -> CloudEvent[OpschortingInstructie]:
    ingang = ingang or dt.date.today()
    casus = casus or casus_id()
    data = OpschortingInstructie(
        opschorting_id=str(uuid.uuid4()),
        casus_id=casus,
        uitvoerder=Uitvoerder(uitvoerder),
        personen=tuple(
            PersoonVersleuteld(
                pseudoniem=f"psn-{uuid.uuid4().hex}", bsn_versleuteld=seal(b, publiek)
            )
            for b in bsns
        ),
        vorderingen=None if vorderingen is None else tuple(vorderingen),
        maatregelen=tuple(maatregelen),
        periode=Periode(ingangsdatum=ingang, einddatum=ingang + dt.timedelta(days=dagen)),
        grondslag="Time-outbevoegdheid Landelijk Maatwerkloket",
        reden="Ruimte om een schuldregeling te treffen",
        reageer_uiterlijk=dt.datetime.now(dt.UTC) + dt.timedelta(days=5),
        gemeente=gemeente,
    )
    return make_event(data, source=HUB.source, subject=casus, event_id=event_id)


def opdracht(
    event: CloudEvent[OpschortingInstructie], bsns: Sequence[str]
) -> Opdracht[OpschortingInstructie]:
    return Opdracht(instructie_id=event.id, instructie=event.data, bsns=tuple(bsns))


def _wijziging(origineel: CloudEvent[OpschortingInstructie], referentie: str | None, reden: str):
    data = origineel.data
    return {
        "opschorting_id": data.opschorting_id,
        "casus_id": data.casus_id,
        "uitvoerder": data.uitvoerder,
        "instructie_id": origineel.id,
        "referentie": referentie,
        "personen": data.personen,
        "vorderingen": data.vorderingen,
        "reden": reden,
        "reageer_uiterlijk": dt.datetime.now(dt.UTC) + dt.timedelta(days=5),
        "gemeente": data.gemeente,
    }


def verlenging(
    origineel: CloudEvent[OpschortingInstructie],
    *,
    einddatum: dt.date | None = None,
    extra_dagen: int = 60,
    referentie: str | None = None,
    event_id: str | None = None,
) -> CloudEvent[OpschortingVerlengingInstructie]:
    """The extension of ``origineel`` (same persons, sealed the same way) to ``einddatum``."""
    periode = origineel.data.periode
    data = OpschortingVerlengingInstructie(
        **_wijziging(origineel, referentie, "De schuldregeling is nog niet rond"),
        periode=Periode(
            ingangsdatum=periode.ingangsdatum,
            einddatum=einddatum or periode.einddatum + dt.timedelta(days=extra_dagen),
        ),
    )
    return make_event(data, source=HUB.source, subject=data.casus_id, event_id=event_id)


def opheffing(
    origineel: CloudEvent[OpschortingInstructie],
    *,
    opheffingsdatum: dt.date | None = None,
    referentie: str | None = None,
    event_id: str | None = None,
) -> CloudEvent[OpschortingOpheffingInstructie]:
    """The lifting of ``origineel`` as of ``opheffingsdatum`` (default today)."""
    data = OpschortingOpheffingInstructie(
        **_wijziging(origineel, referentie, "Betalingsregeling getroffen"),
        opheffingsdatum=opheffingsdatum or dt.date.today(),
    )
    return make_event(data, source=HUB.source, subject=data.casus_id, event_id=event_id)


def verlengingsopdracht(
    event: CloudEvent[OpschortingVerlengingInstructie],
    bsns: Sequence[str],
    referentie: str | None = None,
) -> Opdracht[OpschortingVerlengingInstructie]:
    """The extension as a translation sees it; ``referentie`` as the look-up step gave it."""
    return Opdracht(event.id, event.data, tuple(bsns), referentie=referentie)


def opheffingsopdracht(
    event: CloudEvent[OpschortingOpheffingInstructie],
    bsns: Sequence[str],
    referentie: str | None = None,
) -> Opdracht[OpschortingOpheffingInstructie]:
    """The lifting as a translation sees it; ``referentie`` as the look-up step gave it."""
    return Opdracht(event.id, event.data, tuple(bsns), referentie=referentie)
