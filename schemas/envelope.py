"""The CloudEvents envelope in the Dutch government profile (CloudEvents NL GOV 1.0).

Kafka binding: *structured* content mode. The Kafka record value is the whole event as JSON
(``content-type: application/cloudevents+json; charset=UTF-8`` header), the record key is the
``subject`` (the casus id), so every message of one casus lands on one partition, in order.

Messages that belong to no casus (the Maatwerkregister) declare ``subject_kind = SubjectKind.OIN``
on their payload class: their subject, and so their key, is the organisation's OIN.

Versioning: the version is part of ``type`` (``...v1``); a breaking change is a new type
(``...v2``) registered beside the old one, and both are served side by side.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar, cast

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from schemas.ids import CASUS_ID_PATTERN, OIN_PATTERN, SOURCE_PATTERN, SUBJECT_PATTERN

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
DATASCHEMA_BASE = "https://maatwerk-hub.example/schemas"
TYPE_PATTERN = r"^nl\.maatwerk(\.[a-z][a-z0-9-]*)+\.v[0-9]+$"


class SubjectKind(StrEnum):
    """What the CloudEvents ``subject`` (and so the Kafka key) of a message type identifies."""

    CASUS = "casus"
    """A casus id (``MWL-2026-0A1B2C3D4E``): every casus-bound message."""
    OIN = "oin"
    """An organisation's OIN: messages that belong to no casus (the Maatwerkregister)."""

    @property
    def pattern(self) -> str:
        return CASUS_ID_PATTERN if self is SubjectKind.CASUS else OIN_PATTERN


class Contract(BaseModel):
    """Base of every part of the contract: frozen and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class EventData(Contract):
    """Base of every message payload, versioned by ``type``."""

    event_type: ClassVar[str]
    """Reverse-DNS CloudEvents type, ending in the version (``nl.maatwerk.<...>.v1``)."""

    subject_kind: ClassVar[SubjectKind] = SubjectKind.CASUS
    """What ``subject`` holds for this type; casus-bound unless a type says otherwise."""

    @classmethod
    def dataschema(cls) -> str:
        return f"{DATASCHEMA_BASE}/{cls.event_type}.json"

    def event_subject(self) -> str:
        """The ``subject`` (and Kafka key) this payload must travel under.

        The casus id for casus-bound types; types with another ``subject_kind`` override this.
        """
        casus_id = getattr(self, "casus_id", None)
        if not isinstance(casus_id, str):
            raise TypeError(f"{type(self).__name__} has no casus_id: override event_subject()")
        return casus_id


DataT = TypeVar("DataT", bound=EventData)

_REGISTRY: dict[str, type[EventData]] = {}


def register(cls: type[DataT]) -> type[DataT]:
    """Class decorator: make a payload model known under its ``event_type``.

    Versions of one type are separate registrations (``...v1`` and ``...v2`` side by side).
    """
    if not re.fullmatch(TYPE_PATTERN, cls.event_type):
        raise ValueError(f"event type {cls.event_type!r} does not match {TYPE_PATTERN}")
    existing = _REGISTRY.get(cls.event_type)
    if existing is not None and existing is not cls:
        raise ValueError(f"event type {cls.event_type} registered twice")
    _REGISTRY[cls.event_type] = cls
    return cls


def event_types() -> dict[str, type[EventData]]:
    """Every registered message type, by CloudEvents ``type``."""
    return dict(_REGISTRY)


def split_type(event_type: str) -> tuple[str, int]:
    """``nl.maatwerk.casus.ingediend.v2`` -> ``("nl.maatwerk.casus.ingediend", 2)``."""
    if not re.fullmatch(TYPE_PATTERN, event_type):
        raise ValueError(f"event type {event_type!r} does not match {TYPE_PATTERN}")
    base, _, version = event_type.rpartition(".v")
    return base, int(version)


def versions(base: str) -> dict[int, type[EventData]]:
    """Every registered version of one type, e.g. ``versions("nl.maatwerk.casus.ingediend")``."""
    found = {}
    for event_type, model in _REGISTRY.items():
        name, version = split_type(event_type)
        if name == base:
            found[version] = model
    return dict(sorted(found.items()))


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
        description="Reverse-DNS event type ending in its version, "
        "e.g. nl.maatwerk.casus.ingediend.v1."
    )
    time: AwareDatetime = Field(description="When the occurrence happened (timezone-aware).")
    subject: Annotated[str, StringConstraints(pattern=SUBJECT_PATTERN)] = Field(
        description="The casus id (for register messages: the organisation's OIN); also the Kafka "
        "record key. Never a BSN or other personal identifier."
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="Media type of data."
    )
    dataschema: str = Field(description="URI of the JSON Schema of data.")
    data: DataT = Field(description="The payload.")

    @model_validator(mode="after")
    def _consistent_with_data(self) -> Self:
        data = self.data
        if self.type != data.event_type:
            raise PydanticCustomError(
                "type_mismatch",
                "type: must be {expected} for this data, got {actual}",
                {"expected": data.event_type, "actual": self.type},
            )
        kind = data.subject_kind
        if not re.fullmatch(kind.pattern, self.subject):
            raise PydanticCustomError(
                "subject_kind",
                "subject: must be {kind} (pattern {pattern}) for {type}",
                {"kind": kind.value, "pattern": kind.pattern, "type": data.event_type},
            )
        expected = data.event_subject()
        if self.subject != expected:
            raise PydanticCustomError(
                "subject_mismatch",
                "subject: must equal the {kind} in data ({expected}), got {actual}",
                {"kind": kind.value, "expected": expected, "actual": self.subject},
            )
        return self

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
    model: type[CloudEvent[DataT]] = cast(Any, CloudEvent)[type(data)]
    return model(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=data.event_type,
        time=time or datetime.now(UTC),
        subject=subject,
        dataschema=data.dataschema(),
        data=data,
    )


MAX_NESTING = 32
"""Deepest nesting of objects and arrays :func:`parse_event` reads: every payload of the contract
is far shallower; deeper input is refused before the JSON parser sees it (its recursion would
otherwise escape as ``RecursionError``)."""

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]")
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\x02\x02")


def nesting_depth(raw: bytes, *, limit: int | None = None) -> int:
    """How deep objects and arrays nest in JSON text ``raw`` (strings skipped): linear, no
    recursion, so it is safe on any input. Stops counting once past ``limit``."""
    brackets = _NOT_A_BRACKET.sub(b"", _JSON_STRING.sub(b"", raw)).translate(_DEPTH_STEP)
    depth = deepest = 0
    for step in brackets:
        depth += 1 if step == 1 else -1
        if depth > deepest:
            deepest = depth
            if limit is not None and deepest > limit:
                break
    return deepest


def parse_event(raw: bytes | str | dict[str, Any]) -> CloudEvent[Any]:
    """Parse and validate one event of any registered type.

    Takes any input: whatever the bytes (not UTF-8, not JSON, nested beyond :data:`MAX_NESTING`,
    large), the only exception is :class:`InvalidEvent` naming the field and the rule broken.
    """
    try:
        return _parse_event(raw)
    except InvalidEvent:
        raise
    except Exception as exc:  # any input: InvalidEvent, never another error
        raise InvalidEvent(f"not a readable event ({type(exc).__name__})") from None


def _parse_event(raw: bytes | str | dict[str, Any]) -> CloudEvent[Any]:
    import json

    if isinstance(raw, dict):
        body: Any = raw
    else:
        text = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
        if nesting_depth(text, limit=MAX_NESTING) > MAX_NESTING:
            raise InvalidEvent(f"not valid JSON: nested deeper than {MAX_NESTING}")
        try:
            body = json.loads(text)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InvalidEvent(f"not valid JSON: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not isinstance(body, dict):
        raise InvalidEvent("event is not a JSON object")
    event_type = body.get("type")
    model = _REGISTRY.get(event_type) if isinstance(event_type, str) else None
    if model is None:
        shown = event_type if isinstance(event_type, str | None) else type(event_type).__name__
        raise InvalidEvent(f"type: unknown event type {str(shown)[:200]!r}")
    try:
        return CloudEvent[model].model_validate(body)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise InvalidEvent(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """One line per broken rule: ``field.path: message``.

    Envelope-wide rules (``subject`` against ``data``) name their field in the message itself.
    """
    return "; ".join(_describe(err["loc"], err["msg"]) for err in exc.errors())


def _describe(loc: tuple[int | str, ...], msg: str) -> str:
    path = ".".join(str(p) for p in loc)
    if path:
        return f"{path}: {msg}"
    return msg if re.match(r"^[a-z_]+: ", msg) else f"<root>: {msg}"
