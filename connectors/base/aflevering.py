"""Delivery trouble reported to the hub: :class:`~schemas.aflevering.AfleveringMislukt`.

The connector reports, on the agency's answer topic of the instrument the instruction belongs to:

- once, after the first round of attempts failed because the back-office is away
  (``backoffice-onbereikbaar``, ``definitief`` false): it keeps retrying, and the real answer
  follows when the back-office is back;
- when it sets an instruction aside on the dead-letter topic (``definitief`` true): the
  back-office kept failing on it (``backoffice-fout``), rejected it (``backoffice-afgewezen``), or
  the connector could not process it (``onverwerkbaar``).

Its event id is derived from the instruction id and the reason (uuid5), so the same report made
again (after a redelivery or a restart) is a duplicate the hub ignores. The text is fixed per
reason and never quotes the record or the back-office: no personal data can leak into it.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import structlog

from connectors.base.koppeling import Koppeling
from connectors.base.opdracht import (
    DeadLetterReden,
    Onverwerkbaar,
    Opdracht,
    adressaat,
    is_instructie,
)
from schemas import CONTENT_TYPE, CloudEvent, EventData, make_event
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.deadletter import mask_bsn_like
from schemas.organisaties import Uitvoerder
from schemas.topics import AFLEVERING_MISLUKT, topics_for_type

log = structlog.get_logger("connectors")

MELDING_NAMESPACE = uuid.UUID("0c7e3f6a-91d2-5b4e-8f3a-2d6b1e9c4a70")
"""uuid5 namespace: report event id = uuid5(MELDING_NAMESPACE, "<instruction id>/<reason>")."""

TOELICHTINGEN: dict[AfleveringReden, str] = {
    AfleveringReden.BACKOFFICE_ONBEREIKBAAR: "The back-office did not answer ({pogingen} "
    "attempts); the connector keeps retrying with backoff.",
    AfleveringReden.BACKOFFICE_FOUT: "The back-office answered a server error on each of "
    "{pogingen} attempts; the instruction is set aside on the dead-letter topic ({code}).",
    AfleveringReden.BACKOFFICE_AFGEWEZEN: "The back-office rejected the request; the "
    "instruction is set aside on the dead-letter topic ({code}).",
    AfleveringReden.ONVERWERKBAAR: "The connector could not process the instruction; it is set "
    "aside on the dead-letter topic ({code}).",
}


AFLEVERING_REDENEN: dict[DeadLetterReden, AfleveringReden] = {
    DeadLetterReden.BACKOFFICE_FOUT: AfleveringReden.BACKOFFICE_FOUT,
    DeadLetterReden.BACKOFFICE_AFGEWEZEN: AfleveringReden.BACKOFFICE_AFGEWEZEN,
}
"""A dead letter's reason -> the reason reported to the hub (any other: ``onverwerkbaar``)."""

MAX_GEMELD = 10_000
"""Most instructions :class:`Melder` remembers having reported as away (the oldest go first)."""


class Publiceer(Protocol):
    async def __call__(
        self, body: bytes, *, topic: str, key: bytes | None, headers: dict[str, str]
    ) -> None: ...


def melding_event_id(instructie_id: str, reden: AfleveringReden) -> str:
    """The report's event id: the same for the same instruction and reason."""
    return str(uuid.uuid5(MELDING_NAMESPACE, f"{instructie_id}/{reden.value}"))


def meldingstopic(instructie_type: str, uitvoerder: Uitvoerder) -> str | None:
    """The agency's answer topic of the instrument ``instructie_type`` belongs to (the second
    part of the type: ``nl.maatwerk.<instrument>.…``), or None when there is not exactly one."""
    instrument = _instrument(instructie_type)
    gevonden = [
        t.name
        for t in topics_for_type(AFLEVERING_MISLUKT)
        if uitvoerder.value in t.producers
        and any(_instrument(m) == instrument for m in t.message_types if m != AFLEVERING_MISLUKT)
    ]
    return gevonden[0] if len(gevonden) == 1 else None


def _instrument(event_type: str) -> str:
    delen = event_type.split(".")
    return delen[2] if len(delen) > 3 else ""


def maak_melding(
    *,
    casus_id: str,
    uitvoerder: Uitvoerder,
    instructie_id: str,
    instructie_type: str,
    reden: AfleveringReden,
    dead_letter_code: str | None,
    pogingen: int,
    nu: datetime,
) -> AfleveringMislukt:
    """The report for one instruction; ``dead_letter_code`` is the dead letter's reason code
    (None while still retrying)."""
    toelichting = TOELICHTINGEN[reden].format(pogingen=pogingen, code=dead_letter_code or "-")
    return AfleveringMislukt(
        casus_id=casus_id,
        uitvoerder=uitvoerder,
        instructie_id=instructie_id,
        instructie_type=instructie_type[:200],
        redencode=reden,
        toelichting=mask_bsn_like(toelichting),
        definitief=reden is not AfleveringReden.BACKOFFICE_ONBEREIKBAAR,
        pogingen=max(pogingen, 1),
        gemeld_op=nu,
    )


class Melder:
    """Publishes the reports of one connector (see the module docstring). A publish that fails
    raises: the record is redelivered and the report made again, under the same event id."""

    def __init__(
        self, *, koppeling: Koppeling, publiceer: Publiceer, klok: Callable[[], datetime]
    ) -> None:
        self._koppeling = koppeling
        self._publiceer = publiceer
        self._klok = klok
        self._gemeld: OrderedDict[str, None] = OrderedDict()
        """Instructions reported as backoffice-onbereikbaar (once each)."""

    async def onbereikbaar(
        self, opdracht: Opdracht[EventData], instructie_type: str, pogingen: int
    ) -> None:
        """Once per instruction: the back-office stays away, the connector keeps trying."""
        if opdracht.instructie_id in self._gemeld:
            return
        await self._meld(
            casus_id=opdracht.casus_id,
            instructie_id=opdracht.instructie_id,
            instructie_type=instructie_type,
            reden=AfleveringReden.BACKOFFICE_ONBEREIKBAAR,
            dead_letter_code=None,
            pogingen=pogingen,
        )
        self._gemeld[opdracht.instructie_id] = None
        while len(self._gemeld) > MAX_GEMELD:
            self._gemeld.popitem(last=False)

    async def na_dead_letter(self, event: CloudEvent[Any] | None, fout: Onverwerkbaar) -> None:
        """After a dead letter: report it when the record was an instruction for this agency."""
        if event is None:
            return
        data = event.data
        if not is_instructie(type(data)) or adressaat(data) is not self._koppeling.uitvoerder:
            return
        await self._meld(
            casus_id=str(getattr(data, "casus_id")),  # noqa: B009  (is_instructie checked it)
            instructie_id=event.id,
            instructie_type=event.type,
            reden=AFLEVERING_REDENEN.get(fout.reden, AfleveringReden.ONVERWERKBAAR),
            dead_letter_code=fout.reden.value,
            pogingen=fout.pogingen,
        )

    async def _meld(
        self,
        *,
        casus_id: str,
        instructie_id: str,
        instructie_type: str,
        reden: AfleveringReden,
        dead_letter_code: str | None,
        pogingen: int,
    ) -> None:
        """Publish an AfleveringMislukt on the instrument's answer topic (if it has one)."""
        uitvoerder = self._koppeling.uitvoerder
        topic = meldingstopic(instructie_type, uitvoerder)
        if topic is None:
            log.warning("no answer topic to report on", event_type=instructie_type)
            return
        nu = self._klok()
        melding = maak_melding(
            casus_id=casus_id,
            uitvoerder=uitvoerder,
            instructie_id=instructie_id,
            instructie_type=instructie_type,
            reden=reden,
            dead_letter_code=dead_letter_code,
            pogingen=pogingen,
            nu=nu,
        )
        event = make_event(
            melding,
            source=self._koppeling.organisatie.source,
            subject=casus_id,
            event_id=melding_event_id(instructie_id, reden),
            time=nu,
        )
        await self._publiceer(
            event.to_bytes(),
            topic=topic,
            key=casus_id.encode(),
            headers={"content-type": CONTENT_TYPE},
        )
        log.warning(
            "delivery trouble reported",
            event_id=instructie_id,
            casus_id=casus_id,
            reason=reden.value,
            definitive=melding.definitief,
            attempts=melding.pogingen,
        )
