"""The CloudEvents envelope in the Dutch government profile (CloudEvents NL GOV 1.0).

Kafka binding: *structured* content mode. The Kafka record value is the whole event as JSON
(``content-type: application/cloudevents+json; charset=UTF-8`` header), the record key is the
``subject`` (the casus id), so every message of one casus lands on one partition, in order.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from typing_extensions import Annotated

from schemas.ids import CASUS_ID_PATTERN, SOURCE_PATTERN

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
DATASCHEMA_BASE = "https://maatwerk-hub.example/schemas"
TYPE_PATTERN = r"^nl\.maatwerk(\.[a-z][a-z0-9-]*)+\.v[0-9]+$"


class Contract(BaseModel):
    """Base of every part of the contract: frozen and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class EventData(Contract):
    """Base of every message payload, versioned by ``type``."""

    event_type: ClassVar[str]
    """Reverse-DNS CloudEvents type, ending in the version (``nl.maatwerk.<...>.v1``)."""

    @classmethod
    def dataschema(cls) -> str:
        return f"{DATASCHEMA_BASE}/{cls.event_type}.json"


DataT = TypeVar("DataT", bound=EventData)

_REGISTRY: dict[str, type[EventData]] = {}


def register(cls: type[DataT]) -> type[DataT]:
    """Class decorator: make a payload model known under its ``event_type``."""
    existing = _REGISTRY.get(cls.event_type)
    if existing is not None and existing is not cls:
        raise ValueError(f"event type {cls.event_type} registered twice")
    _REGISTRY[cls.event_type] = cls
    return cls


def event_types() -> dict[str, type[EventData]]:
    """Every registered message type, by CloudEvents ``type``."""
    return dict(_REGISTRY)


class CloudEvent(BaseModel, Generic[DataT]):
    """A CloudEvent (NL GOV profile) carrying one payload model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents version.")
    id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="Unique id of this event (UUID); consumers deduplicate on it."
    )
    source: Annotated[str, StringConstraints(pattern=SOURCE_PATTERN)] = Field(
        description="Producing system: urn:nld:oin:<20-digit OIN>:systeem:<name>."
    )
    type: Annotated[str, StringConstraints(pattern=TYPE_PATTERN)] = Field(
        description="Reverse-DNS event type ending in its version, e.g. nl.maatwerk.casus.ingediend.v1."
    )
    time: AwareDatetime = Field(description="When the occurrence happened (timezone-aware).")
    subject: Annotated[str, StringConstraints(pattern=CASUS_ID_PATTERN)] = Field(
        description="The casus id. Never a BSN or other personal identifier."
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="Media type of data."
    )
    dataschema: str = Field(description="URI of the JSON Schema of data.")
    data: DataT = Field(description="The payload.")

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


class InvalidEvent(ValueError):
    """Raised when bytes on a topic are not a valid event; the message says why."""


def make_event(
    data: DataT,
    *,
    source: str,
    subject: str,
    event_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent[DataT]:
    """Wrap a payload in its envelope; ``event_id`` defaults to a fresh UUID4."""
    return CloudEvent[type(data)](  # type: ignore[index]
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=data.event_type,
        time=time or datetime.now(UTC),
        subject=subject,
        dataschema=data.dataschema(),
        data=data,
    )


def parse_event(raw: bytes | str | dict[str, Any]) -> CloudEvent[Any]:
    """Parse and validate one event of any registered type.

    Raises :class:`InvalidEvent` naming the field and the rule broken.
    """
    import json

    try:
        body = raw if isinstance(raw, dict) else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise InvalidEvent("event is not a JSON object")
    event_type = body.get("type")
    model = _REGISTRY.get(event_type) if isinstance(event_type, str) else None
    if model is None:
        raise InvalidEvent(f"type: unknown event type {event_type!r}")
    try:
        return CloudEvent[model].model_validate(body)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise InvalidEvent(describe_errors(exc)) from exc


def describe_errors(exc: ValidationError) -> str:
    """One line per broken rule: ``field.path: message``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
    )
