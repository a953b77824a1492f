"""Deadline signals as contract messages (``schemas.signalering``).

A late chain link goes to its agency alone, on its signal topic; a time-out about to end goes to
the loket (``maatwerk.opschorting.v1``, naming every agency in it) and to each agency (its signal
topic, naming only itself: no agency learns who else takes part). Event ids derive from what the
signal is about (uuid5), so a signal sent again is a duplicate its reader drops. Each is an
audit entry on the casus, with the contact it went to or that there was none.
"""

from __future__ import annotations

import uuid
from typing import Any

from hub.domain.register import Contact
from hub.domain.signalering import AntwoordtermijnVerstreken, EindeNadert
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.organisaties import Uitvoerder
from schemas.signalering import (
    Contactpunt,
    Instructiesoort,
    Ketenpartij,
    OpschortingAntwoordtermijnVerstreken,
    OpschortingLooptAf,
)
from schemas.topics import OPSCHORTING, signalering_topic

_NAMESPACE = uuid.UUID("6f0c2d4e-8a51-4c7b-9e3f-2b1d5a7c9e10")
"""Namespace of the signals' event ids (uuid5): one id per thing signalled."""


def _contactpunt(contact: Contact | None) -> Contactpunt | None:
    if contact is None:
        return None
    return Contactpunt(
        organisatie_oin=contact.organisatie_oin,
        organisatie_naam=contact.organisatie_naam,
        team=contact.team,
        email=contact.email,
        telefoon=contact.telefoon,
    )


def _audit_contact(contact: Contact | None) -> dict[str, Any] | None:
    """What the audit keeps of the contact: whom it went to; None: no registered contact."""
    if contact is None:
        return None
    return {"organisatie_oin": contact.organisatie_oin, "team": contact.team}


async def antwoordtermijn_verstreken(
    g: AntwoordtermijnVerstreken, uow: UnitOfWork, deps: Deps
) -> Uitgaand:
    data = OpschortingAntwoordtermijnVerstreken(
        casus_id=g.casus_id,
        opschorting_id=g.opschorting_id,
        keten_id=g.keten_id,
        soort=Instructiesoort(g.soort.value),
        instructie_id=g.instructie_id,
        uitvoerder=Uitvoerder(g.uitvoerder),
        reageer_uiterlijk=g.reageer_uiterlijk,
        onbestelbaar=g.onbestelbaar,
        contact=_contactpunt(g.contact),
        gesignaleerd_op=g.op,
    )
    event_id = str(uuid.uuid5(_NAMESPACE, f"antwoordtermijn-verstreken:{g.instructie_id}"))
    return Uitgaand(
        actie="opschorting.antwoordtermijn-verstreken",
        casus_id=g.casus_id,
        details={
            "opschorting_id": g.opschorting_id,
            "instructie_id": g.instructie_id,
            "uitvoerder": g.uitvoerder,
            "soort": g.soort.value,
            "reageer_uiterlijk": g.reageer_uiterlijk.isoformat(),
            "contact": _audit_contact(g.contact),
            "geen_contact": g.contact is None,
        },
        berichten=(Bericht(data, signalering_topic(g.uitvoerder).name, event_id=event_id),),
    )


async def einde_nadert(g: EindeNadert, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    partijen = tuple(
        Ketenpartij(uitvoerder=Uitvoerder(p.uitvoerder), contact=_contactpunt(p.contact))
        for p in g.uitvoerders
    )

    def bericht(voor: str, topic: str, uitvoerders: tuple[Ketenpartij, ...]) -> Bericht:
        data = OpschortingLooptAf(
            casus_id=g.casus_id,
            opschorting_id=g.opschorting_id,
            einddatum=g.einddatum,
            dagen_resterend=g.dagen_resterend,
            uitvoerders=uitvoerders,
            gesignaleerd_op=g.op,
        )
        sleutel = f"loopt-af:{g.opschorting_id}:{g.einddatum.isoformat()}:{voor}"
        return Bericht(data, topic, event_id=str(uuid.uuid5(_NAMESPACE, sleutel)))

    return Uitgaand(
        actie="opschorting.loopt-af",
        casus_id=g.casus_id,
        details={
            "opschorting_id": g.opschorting_id,
            "einddatum": g.einddatum.isoformat(),
            "dagen_resterend": g.dagen_resterend,
            "uitvoerders": {p.uitvoerder: _audit_contact(p.contact) for p in g.uitvoerders},
            "zonder_contact": sorted(p.uitvoerder for p in g.uitvoerders if p.contact is None),
        },
        berichten=(
            bericht("loket", OPSCHORTING.name, partijen),
            *(
                bericht(p.uitvoerder.value, signalering_topic(p.uitvoerder).name, (p,))
                for p in partijen
            ),
        ),
    )


VERTALINGEN: Vertalingen = {
    AntwoordtermijnVerstreken: antwoordtermijn_verstreken,
    EindeNadert: einde_nadert,
}
"""Each kind of domain event of the deadline watcher, and its translation."""
