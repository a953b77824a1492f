"""From raw instruction bytes to an :class:`Opdracht`, or a reason to dead-letter them.

Pure: no broker, no network. Everything that makes a message unprocessable for good (retrying
will not help) raises :class:`Onverwerkbaar`; the runtime then dead-letters the original bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pydantic import TypeAdapter, ValidationError

from schemas import InvalidEvent, parse_event
from schemas.ids import Bsn
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import Uitvoerder
from schemas.topics import instructie_topic
from schemas.versleuteling import SealError, open_sealed


class DeadLetterReden(StrEnum):
    """Why a connector could not process a message (header ``deadletter-reason``)."""

    ONGELDIG_BERICHT = "ongeldig-bericht"
    """Not JSON, not a valid CloudEvent, or data that breaks the contract."""
    ONVERWACHT_TYPE = "onverwacht-type"
    """A valid event, but not an opschorting instruction."""
    ANDERE_UITVOERDER = "andere-uitvoerder"
    """An instruction addressed to another agency."""
    BSN_NIET_TE_OPENEN = "bsn-niet-te-openen"
    """A sealed BSN this agency's key cannot open, or that is no valid BSN once opened."""
    NIET_ONDERSTEUND = "niet-ondersteund"
    """A type this topic carries that this connector does not handle (yet): parked for replay."""
    VERWERKINGSFOUT = "verwerkingsfout"
    """The connector's own translation failed on this message (a bug): parked for replay."""


class Onverwerkbaar(Exception):
    """The message can never be processed by this connector; dead-letter it.

    ``detail`` is safe to log and to put in a header: it never holds a BSN.
    """

    def __init__(self, reden: DeadLetterReden, detail: str) -> None:
        super().__init__(f"{reden.value}: {detail}")
        self.reden = reden
        self.detail = detail


@dataclass(frozen=True)
class Opdracht:
    """One instruction, checked and with its BSNs opened, ready to translate for the agency."""

    instructie_id: str
    """Event id of the instruction: the idempotency key towards the back-office."""
    instructie: OpschortingInstructie
    bsns: tuple[str, ...] = field(repr=False)
    """The opened BSNs, in the order of ``instructie.personen``. Never log these."""


@dataclass(frozen=True)
class Verlengingsopdracht:
    """An extension instruction, checked and with its BSNs opened."""

    instructie_id: str
    """Event id of the extension instruction: the idempotency key of the change."""
    instructie: OpschortingVerlengingInstructie
    bsns: tuple[str, ...] = field(repr=False)
    """The opened BSNs, in the order of ``instructie.personen``. Never log these."""


@dataclass(frozen=True)
class Opheffingsopdracht:
    """A lifting instruction, checked and with its BSNs opened."""

    instructie_id: str
    """Event id of the lifting instruction: the idempotency key of the change."""
    instructie: OpschortingOpheffingInstructie
    bsns: tuple[str, ...] = field(repr=False)
    """The opened BSNs, in the order of ``instructie.personen``. Never log these."""


Wijzigingsopdracht = Verlengingsopdracht | Opheffingsopdracht
"""A change to a suspension the agency registered for an earlier instruction
(``instructie.instructie_id`` names that instruction, ``instructie.referentie`` the agency's
reference when the hub has it)."""

ElkeOpdracht = Opdracht | Verlengingsopdracht | Opheffingsopdracht


_BSN: TypeAdapter[str] = TypeAdapter(Bsn)


def _geldige_bsn(waarde: str) -> bool:
    try:
        _BSN.validate_python(waarde)
    except ValidationError:
        return False
    return True


def lees_instructie(
    raw: bytes, *, uitvoerder: Uitvoerder, sleutel: X25519PrivateKey
) -> ElkeOpdracht:
    """Parse, check and open one instruction (order, extension or lifting) for ``uitvoerder``.

    Raises :class:`Onverwerkbaar` when the message is not a valid instruction for this agency.
    """
    try:
        event = parse_event(raw)
    except InvalidEvent as exc:
        raise Onverwerkbaar(DeadLetterReden.ONGELDIG_BERICHT, str(exc)) from None
    instructie = event.data
    if not isinstance(
        instructie,
        OpschortingInstructie | OpschortingVerlengingInstructie | OpschortingOpheffingInstructie,
    ):
        if event.type in instructie_topic(uitvoerder).message_types:
            raise Onverwerkbaar(
                DeadLetterReden.NIET_ONDERSTEUND, f"type {event.type} is not handled yet"
            )
        raise Onverwerkbaar(
            DeadLetterReden.ONVERWACHT_TYPE, f"type {event.type} is not an opschorting instruction"
        )
    if instructie.uitvoerder is not uitvoerder:
        raise Onverwerkbaar(
            DeadLetterReden.ANDERE_UITVOERDER,
            f"instruction for {instructie.uitvoerder.value}, this connector is {uitvoerder.value}",
        )
    if event.subject != instructie.casus_id:
        raise Onverwerkbaar(DeadLetterReden.ONGELDIG_BERICHT, "subject differs from data.casus_id")
    bsns: list[str] = []
    for index, persoon in enumerate(instructie.personen):
        try:
            bsn = open_sealed(persoon.bsn_versleuteld, sleutel)
        except SealError:
            raise Onverwerkbaar(
                DeadLetterReden.BSN_NIET_TE_OPENEN,
                f"personen[{index}] ({persoon.pseudoniem}): "
                f"cannot open with the {uitvoerder.value} key",
            ) from None
        if not _geldige_bsn(bsn):
            raise Onverwerkbaar(
                DeadLetterReden.BSN_NIET_TE_OPENEN,
                f"personen[{index}] ({persoon.pseudoniem}): opened value is not a valid BSN",
            )
        bsns.append(bsn)
    if isinstance(instructie, OpschortingVerlengingInstructie):
        return Verlengingsopdracht(event.id, instructie, tuple(bsns))
    if isinstance(instructie, OpschortingOpheffingInstructie):
        return Opheffingsopdracht(event.id, instructie, tuple(bsns))
    return Opdracht(instructie_id=event.id, instructie=instructie, bsns=tuple(bsns))
