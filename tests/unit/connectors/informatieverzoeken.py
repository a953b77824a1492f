"""Builders for connector tests of the information request: sealed requests, opened answers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from connectors.base.opdracht import Opdracht
from schemas import CloudEvent, make_event
from schemas.gedeeld import Partij, Partijsoort, Regel
from schemas.informatie import (
    Afspraak,
    Gegevenscategorie,
    InformatieVerstrekt,
    InformatieVerzoek,
    VorderingInhoud,
)
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import HUB, LOKET, Uitvoerder
from schemas.versleuteling import open_sealed, public_key_text, seal
from tests.unit.connectors.berichten import casus_id

ALLES = tuple(Gegevenscategorie)
SCHULDEN = (Gegevenscategorie.VORDERINGEN,)


def verzoek(
    uitvoerder: Uitvoerder | str,
    bsns: Sequence[str],
    publiek: X25519PublicKey,
    *,
    ontvanger: X25519PublicKey | None = None,
    ontvanger_sleutel: str | None = None,
    categorieen: Sequence[Gegevenscategorie] = SCHULDEN,
    casus: str | None = None,
    event_id: str | None = None,
    gemeente: str | None = None,
) -> CloudEvent[InformatieVerzoek]:
    """An information request for ``bsns`` (each sealed with the agency's ``publiek``); the
    answer is to be sealed for ``ontvanger`` (or the raw ``ontvanger_sleutel`` text)."""
    casus = casus or casus_id()
    if ontvanger is not None:
        ontvanger_sleutel = public_key_text(ontvanger)
    nu = dt.datetime.now(dt.UTC)
    data = InformatieVerzoek(
        verzoek_id=str(uuid.uuid4()),
        casus_id=casus,
        verzoeker=Partij(oin=LOKET.oin, naam=LOKET.naam, soort=Partijsoort.LOKET),
        verstrekker=Uitvoerder(uitvoerder),
        doel="schuldenoverzicht",
        grondslag=Regel(
            regeling="Wet aanpak meervoudige problematiek sociaal domein", artikel="artikel 2"
        ),
        afspraak=Afspraak(kenmerk="AFS-TEST-01", toegestane_categorieen=ALLES),
        gevraagde_categorieen=tuple(categorieen),
        personen=tuple(
            PersoonVersleuteld(
                pseudoniem=f"psn-{uuid.uuid4().hex}", bsn_versleuteld=seal(b, publiek)
            )
            for b in bsns
        ),
        reageer_uiterlijk=nu + dt.timedelta(days=5),
        gevraagd_op=nu,
        ontvanger_sleutel=ontvanger_sleutel,
        gemeente=gemeente,
    )
    return make_event(data, source=HUB.source, subject=casus, event_id=event_id)


def opdracht(
    event: CloudEvent[InformatieVerzoek], bsns: Sequence[str]
) -> Opdracht[InformatieVerzoek]:
    return Opdracht(instructie_id=event.id, instructie=event.data, bsns=tuple(bsns))


def vorderingen(antwoord: InformatieVerstrekt, sleutel: X25519PrivateKey) -> list[VorderingInhoud]:
    """The claims of an answer, opened with the receiver's key."""
    return [
        VorderingInhoud.model_validate_json(open_sealed(g.inhoud, sleutel))
        for g in antwoord.gegevens
        if g.categorie is Gegevenscategorie.VORDERINGEN
    ]


def geopend(antwoord: InformatieVerstrekt, sleutel: X25519PrivateKey) -> dict[str, list[Any]]:
    """Every category's opened content (text), by category."""
    uit: dict[str, list[Any]] = {}
    for g in antwoord.gegevens:
        uit.setdefault(g.categorie.value, []).append(open_sealed(g.inhoud, sleutel))
    return uit
