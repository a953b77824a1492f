"""The published contract (JSON Schemas, examples, AsyncAPI, docs) matches the code, and the code
does not break what was released.

Fails when someone changes ``schemas/`` without running ``python scripts/generate_contract.py``, or
changes a released message type in a breaking way instead of adding a new version.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import schemas
from schemas.envelope import parse_event
from schemas.ids import Bsn
from schemas.topics import catalogue

ROOT = Path(__file__).resolve().parents[2]
TYPES = sorted(schemas.event_types())


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_contract", ROOT / "scripts" / "generate_contract.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _schema(event_type: str) -> dict[str, Any]:
    return _load(ROOT / "schemas" / "json" / f"{event_type}.json")


def _example(event_type: str) -> dict[str, Any]:
    return _load(ROOT / "schemas" / "examples" / f"{event_type}.json")


def test_committed_files_match_the_code(generator: ModuleType) -> None:
    problems = generator.differences(ROOT)
    assert problems == [], "run: python scripts/generate_contract.py\n" + "\n".join(problems)


def test_released_types_are_not_broken(generator: ModuleType) -> None:
    breaks = generator.compat_breaks(ROOT)
    assert breaks == [], "a breaking change needs a new type version (...v2):\n" + "\n".join(breaks)


def test_every_released_type_is_still_published() -> None:
    released = {p.stem for p in (ROOT / "schemas" / "json" / "released").glob("*.json")}
    assert released, "schemas/json/released/ is the compatibility baseline; it must not be empty"
    assert released <= set(TYPES)


@pytest.mark.parametrize("event_type", TYPES)
def test_schema_is_valid_draft_2020_12_with_the_dataschema_as_id(event_type: str) -> None:
    schema = _schema(event_type)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schemas.event_types()[event_type].dataschema()
    assert schema["properties"]["type"]["const"] == event_type


@pytest.mark.parametrize("event_type", TYPES)
def test_example_is_valid_for_pydantic_and_for_json_schema(event_type: str) -> None:
    example = _example(event_type)
    assert example["type"] == event_type
    event = parse_event(json.dumps(example))
    assert event.model_dump(mode="json") == example
    errors = list(Draft202012Validator(_schema(event_type)).iter_errors(example))
    assert errors == [], [e.message for e in errors]


_BREAKS: list[tuple[str, str, Any]] = [
    ("subject", "wrong kind", lambda e: e.update(subject="00000001999999990108")),
    ("type", "other type", lambda e: e.update(type="nl.maatwerk.casus.gesloten.v1")),
    ("time", "no offset", lambda e: e.update(time="2026-03-02T09:30:00")),
    ("source", "short OIN", lambda e: e.update(source="urn:nld:oin:123:systeem:hub")),
    ("data", "unknown field", lambda e: e["data"].update(onbekend=1)),
    ("data", "missing casus id", lambda e: e["data"].pop("casus_id")),
]


@pytest.mark.parametrize(
    ("field", "why", "mutate"), _BREAKS, ids=[f"{f}-{w}" for f, w, _ in _BREAKS]
)
def test_both_validators_reject_a_broken_message(field: str, why: str, mutate: Any) -> None:
    event_type = "nl.maatwerk.casus.geaccepteerd.v1"
    example = _example(event_type)
    mutate(example)
    assert not Draft202012Validator(_schema(event_type)).is_valid(example)
    with pytest.raises(schemas.InvalidEvent):
        parse_event(example)


def test_money_is_never_a_float_in_either_validator() -> None:
    event_type = "nl.maatwerk.overbrugging.voorfinanciering-betaald.v1"
    example = _example(event_type)
    example["data"]["bedrag"]["centen"] = 1050.5
    assert not Draft202012Validator(_schema(event_type)).is_valid(example)
    with pytest.raises(schemas.InvalidEvent, match=r"data.bedrag.centen: Input should be a valid"):
        parse_event(example)


def _looks_like_bsn(digits: str) -> bool:
    try:
        from pydantic import TypeAdapter

        TypeAdapter(Bsn).validate_python(digits)
    except ValueError:
        return False
    return True


def test_examples_hold_no_bsn_like_number() -> None:
    for path in sorted((ROOT / "schemas" / "examples").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        candidates = re.findall(r"(?<![0-9])[0-9]{9}(?![0-9])", text)
        assert [c for c in candidates if _looks_like_bsn(c)] == [], path.name
        assert '"bsn"' not in text


def test_asyncapi_lists_every_topic_with_its_messages_and_access() -> None:
    document = _load(ROOT / "schemas" / "asyncapi.json")
    assert document["asyncapi"].startswith("3.")
    channels = document["channels"]
    assert list(channels) == [t.name for t in catalogue()]
    for topic in catalogue():
        channel = channels[topic.name]
        assert channel["address"] == topic.name
        assert set(channel["messages"]) == (set(topic.message_types) or {"maatwerk.deadletter"})
        kafka = channel["bindings"]["kafka"]
        assert kafka["partitions"] == topic.partitions
        policy = "compact" if topic.compacted else "delete"
        assert kafka["topicConfiguration"]["cleanup.policy"] == [policy]
        assert document["x-access-matrix"][topic.name] == {
            "producers": list(topic.producers),
            "consumers": list(topic.consumers),
        }


def test_asyncapi_references_resolve() -> None:
    document = _load(ROOT / "schemas" / "asyncapi.json")
    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs
    for ref in refs:
        if ref.startswith("#/"):
            target: Any = document
            for part in ref[2:].split("/"):
                target = target[part]
        else:
            assert (ROOT / "schemas" / ref).is_file(), ref
