"""The message contract of maatwerk-hub.

Every message on a topic is a CloudEvent in the Dutch government profile (CloudEvents NL GOV) whose
``data`` is one of the frozen pydantic models in this package. This package depends on no other part
of the project: the hub and the connectors both build on it.

Importing ``schemas`` registers every message type (one module per instrument): ``event_types()``
then lists them all. ``docs/contract.md`` describes the contract; ``scripts/generate_contract.py``
publishes it (JSON Schema per type, AsyncAPI, examples).
"""

from schemas import (
    aflevering,
    afwijking,
    casus,
    escalatie,
    gedeeld,
    informatie,
    opschorting,
    overbrugging,
    register,
    signalering,
    topics,
)
from schemas.envelope import (
    CONTENT_TYPE,
    CloudEvent,
    Contract,
    EventData,
    InvalidEvent,
    SubjectKind,
    event_types,
    make_event,
    parse_event,
    split_type,
    versions,
)
from schemas.gedeeld import Bedrag
from schemas.ids import CasusId, Oin, systeem_source

__all__ = [
    "CONTENT_TYPE",
    "Bedrag",
    "CasusId",
    "CloudEvent",
    "Contract",
    "EventData",
    "InvalidEvent",
    "Oin",
    "SubjectKind",
    "aflevering",
    "afwijking",
    "casus",
    "escalatie",
    "event_types",
    "gedeeld",
    "informatie",
    "make_event",
    "opschorting",
    "overbrugging",
    "parse_event",
    "register",
    "signalering",
    "split_type",
    "systeem_source",
    "topics",
    "versions",
]
