"""From raw instruction bytes to an :class:`Opdracht`, or a reason to dead-letter them.

Pure: no broker, no network. Everything that makes a message unprocessable for good (retrying
will not help) raises :class:`Onverwerkbaar`; the runtime then dead-letters the original bytes.

Reading is the same for every instrument: an instruction is any registered payload addressed to
one agency (``uitvoerder``, or ``verstrekker`` for an information request), bound to a casus
(``casus_id``) and naming household members with a BSN sealed for that agency (``personen``).
Which types a connector takes is not decided here but by its translations (the runtime).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pydantic import TypeAdapter, ValidationError

from schemas import CloudEvent, EventData, InvalidEvent, parse_event
from schemas.ids import Bsn
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import Uitvoerder
from schemas.versleuteling import SealError, open_sealed

ADRESSAAT_VELDEN = ("uitvoerder", "verstrekker")
"""Fields that name the agency an instruction is for (time-out; information request)."""


class DeadLetterReden(StrEnum):
    """Why a connector could not process a message (header ``dlq-reason-code``)."""

    ONGELDIG_BERICHT = "ongeldig-bericht"
    """Not JSON, not a valid CloudEvent, or data that breaks the contract."""
    ONVERWACHT_TYPE = "onverwacht-type"
    """A valid event of a type that does not belong on the topic it was read from."""
    ANDERE_UITVOERDER = "andere-uitvoerder"
    """An instruction addressed to another agency."""
    BSN_NIET_TE_OPENEN = "bsn-niet-te-openen"
    """A sealed BSN this agency's key cannot open, or that is no valid BSN once opened."""
    NIET_ONDERSTEUND = "niet-ondersteund"
    """A type this topic carries that this connector has no translation for (yet): parked for
    replay."""
    VERWERKINGSFOUT = "verwerkingsfout"
    """The connector's own translation failed on this message (a bug): parked for replay."""
    BACKOFFICE_FOUT = "backoffice-fout"
    """The back-office answered a server error to this instruction on every one of a bounded
    number of attempts: parked for replay once the back-office is fixed."""
    BACKOFFICE_AFGEWEZEN = "backoffice-afgewezen"
    """The back-office rejected the request itself (a client error that is no answer the
    translation reads): parked for replay."""
    ANTWOORD_TE_GROOT = "antwoord-te-groot"
    """The contract answer would not fit on the answer topic, even without per-claim detail."""


class Onverwerkbaar(Exception):
    """The message can never be processed by this connector; dead-letter it.

    ``detail`` is safe to log and to put in a header: it never holds a BSN.
    """

    def __init__(self, reden: DeadLetterReden, detail: str, *, pogingen: int = 1) -> None:
        super().__init__(f"{reden.value}: {detail}")
        self.reden = reden
        self.detail = detail
        self.pogingen = pogingen
        """Delivery attempts made before giving up (1 when no delivery was tried)."""


I_co = TypeVar("I_co", bound=EventData, covariant=True)


@dataclass(frozen=True)
class Opdracht(Generic[I_co]):
    """One instruction, checked and with its BSNs opened, ready to translate for the agency.

    ``Opdracht[OpschortingInstructie]`` is an order, ``Opdracht[InformatieVerzoek]`` an
    information request: a translation states the payload type it takes.
    """

    instructie_id: str
    """Event id of the instruction: the idempotency key towards the back-office."""
    instructie: I_co
    bsns: tuple[str, ...] = field(repr=False)
    """The opened BSNs, in the order of ``instructie.personen``. Never log these."""
    referentie: str | None = None
    """The agency's own reference of what the instruction acts on (e.g. the suspension an
    extension changes), once the translation's look-up step has it; ``None`` before or without
    one."""

    @property
    def casus_id(self) -> str:
        return str(getattr(self.instructie, "casus_id"))  # noqa: B009  (checked when read)

    def gevonden(self) -> str:
        """:attr:`referentie`, for a translation with a look-up step (the runtime sets it first)."""
        if self.referentie is None:
            raise LookupError("no reference: the translation has no look-up step")
        return self.referentie


_BSN: TypeAdapter[str] = TypeAdapter(Bsn)


def _geldige_bsn(waarde: str) -> bool:
    try:
        _BSN.validate_python(waarde)
    except ValidationError:
        return False
    return True


def lees_event(raw: bytes | None) -> CloudEvent[Any]:
    """Parse one record's bytes (any bytes, or none) as a CloudEvent of a registered type.

    The only exception is :class:`Onverwerkbaar` (``ongeldig-bericht``).
    """
    try:
        return parse_event(raw or b"")
    except InvalidEvent as exc:
        raise Onverwerkbaar(DeadLetterReden.ONGELDIG_BERICHT, str(exc)) from None
    except Exception as exc:  # parse_event promises InvalidEvent; be sure
        raise Onverwerkbaar(
            DeadLetterReden.ONGELDIG_BERICHT, f"not a readable event ({type(exc).__name__})"
        ) from None


def adressaat(data: EventData) -> Any:
    for veld in ADRESSAAT_VELDEN:
        if veld in type(data).model_fields:
            return getattr(data, veld)
    return None


def is_instructie(model: type[EventData]) -> bool:
    """Whether payloads of ``model`` have what :func:`open_opdracht` needs."""
    velden = model.model_fields
    return (
        "casus_id" in velden and "personen" in velden and any(v in velden for v in ADRESSAAT_VELDEN)
    )


def open_opdracht(
    event: CloudEvent[Any], *, uitvoerder: Uitvoerder, sleutel: X25519PrivateKey
) -> Opdracht[EventData]:
    """Check that ``event`` is an instruction for ``uitvoerder`` and open its BSNs."""
    instructie: EventData = event.data
    if not is_instructie(type(instructie)):
        raise Onverwerkbaar(
            DeadLetterReden.ONVERWACHT_TYPE, f"type {event.type} is not an instruction to an agency"
        )
    aan = adressaat(instructie)
    if aan is not uitvoerder:
        naam = getattr(aan, "value", aan)
        raise Onverwerkbaar(
            DeadLetterReden.ANDERE_UITVOERDER,
            f"instruction for {naam}, this connector is {uitvoerder.value}",
        )
    if event.subject != getattr(instructie, "casus_id"):  # noqa: B009
        raise Onverwerkbaar(DeadLetterReden.ONGELDIG_BERICHT, "subject differs from data.casus_id")
    personen: Sequence[PersoonVersleuteld] = getattr(instructie, "personen")  # noqa: B009
    bsns: list[str] = []
    for index, persoon in enumerate(personen):
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
    return Opdracht(instructie_id=event.id, instructie=instructie, bsns=tuple(bsns))


def lees_instructie(
    raw: bytes, *, uitvoerder: Uitvoerder, sleutel: X25519PrivateKey
) -> Opdracht[EventData]:
    """Parse, check and open one instruction of any instrument for ``uitvoerder``.

    Raises :class:`Onverwerkbaar` when the message is not a valid instruction for this agency.
    """
    return open_opdracht(lees_event(raw), uitvoerder=uitvoerder, sleutel=sleutel)
