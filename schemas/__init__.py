"""The message contract of maatwerk-hub.

Every message on a topic is a CloudEvent in the Dutch government profile (CloudEvents NL GOV) whose
``data`` is one of the frozen pydantic models in this package. This package depends on no other part
of the project: the hub and the connectors both build on it.
"""

from schemas import casus, opschorting
from schemas.envelope import (
    CONTENT_TYPE,
    CloudEvent,
    Contract,
    EventData,
    InvalidEvent,
    event_types,
    make_event,
    parse_event,
)
from schemas.ids import CasusId, Oin, systeem_source

__all__ = [
    "CONTENT_TYPE",
    "CasusId",
    "CloudEvent",
    "Contract",
    "EventData",
    "InvalidEvent",
    "Oin",
    "casus",
    "event_types",
    "make_event",
    "opschorting",
    "parse_event",
    "systeem_source",
]
