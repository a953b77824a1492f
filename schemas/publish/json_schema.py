"""The JSON Schema (draft 2020-12) of one message type: the whole CloudEvent with its ``data``."""

from __future__ import annotations

import inspect
import json
from typing import Any, cast

from schemas.envelope import CloudEvent, EventData, SubjectKind

DIALECT = "https://json-schema.org/draft/2020-12/schema"
OFFSET_PATTERN = r"(Z|z|[+-][0-9]{2}:?[0-9]{2})$"
"""A date-time must end in a UTC offset: instants are timezone-aware."""

_SUBJECT_DESCRIPTION = {
    SubjectKind.CASUS: "The casus id; also the Kafka record key. Never a BSN.",
    SubjectKind.OIN: "The organisation's OIN, the register key; also the Kafka record key.",
}


def summary(model: type[Any]) -> str:
    """The first paragraph of a class docstring, on one line."""
    doc = inspect.getdoc(model) or ""
    return " ".join(doc.split("\n\n")[0].split())


def event_schema(model: type[EventData]) -> dict[str, Any]:
    """The JSON Schema of a CloudEvent carrying ``model``, ``$id`` = the type's dataschema URI.

    The envelope is tightened per type: ``type`` is a constant and ``subject`` has the pattern of
    the type's subject kind (casus id or OIN), as the pydantic envelope checks at run time.
    """
    generated = CloudEvent[model].model_json_schema()  # type: ignore[valid-type]
    properties = generated["properties"]
    properties["type"] = {
        "const": model.event_type,
        "description": properties["type"]["description"],
        "title": properties["type"].get("title", "Type"),
        "type": "string",
    }
    properties["subject"]["pattern"] = model.subject_kind.pattern
    properties["subject"]["description"] = _SUBJECT_DESCRIPTION[model.subject_kind]
    _require_offsets(generated)
    defs = generated.pop("$defs", {})
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": DIALECT,
        "$id": model.dataschema(),
        "title": model.event_type,
        "description": summary(model),
        **generated,
        "$defs": defs,
    }


def _require_offsets(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "date-time" and "pattern" not in node:
            node["pattern"] = OFFSET_PATTERN
        for value in node.values():
            _require_offsets(value)
    elif isinstance(node, list):
        for value in node:
            _require_offsets(value)


def dumps(document: dict[str, Any]) -> str:
    """Stable text of a JSON document, as committed."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(text))
