"""The schema differ catches every kind of breaking change, and lets compatible ones through."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from schemas.publish.compat import breaking_changes


def _schema() -> dict[str, Any]:
    """A small released schema in the shape pydantic generates (``$defs``, ``$ref``, ``anyOf``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "type": {"const": "nl.maatwerk.test.v1", "type": "string"},
            "data": {"$ref": "#/$defs/Data", "description": "The payload."},
        },
        "required": ["type", "data"],
        "$defs": {
            "Soort": {"enum": ["a", "b"], "type": "string"},
            "Data": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "naam": {"type": "string", "minLength": 1, "maxLength": 200},
                    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "soort": {"$ref": "#/$defs/Soort"},
                    "aantal": {"type": "integer", "minimum": 0},
                    "toelichting": {
                        "anyOf": [{"type": "string", "maxLength": 100}, {"type": "null"}],
                        "default": None,
                    },
                    "regels": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
                "required": ["naam", "code", "soort", "aantal", "regels"],
            },
        },
    }


def _data(schema: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = schema["$defs"]["Data"]
    return data


def _changed(change: Any) -> list[str]:
    old = _schema()
    new = copy.deepcopy(old)
    change(new)
    return [f"{b.path} {b.rule}" for b in breaking_changes(old, new)]


def test_identical_schemas_are_compatible() -> None:
    assert breaking_changes(_schema(), _schema()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda s: (_data(s)["properties"].pop("code"), _data(s)["required"].remove("code")),
            "$.data.code removed field",
            id="removed field",
        ),
        pytest.param(
            lambda s: _data(s)["required"].append("toelichting"),
            "$.data.toelichting newly required field",
            id="newly required field",
        ),
        pytest.param(
            lambda s: _data(s)["properties"].update(
                toelichting={"type": "string", "maxLength": 100}
            ),
            "$.data.toelichting narrowed type",
            id="optional made non-null",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["aantal"].update(type="string"),
            "$.data.aantal narrowed type",
            id="type changed",
        ),
        pytest.param(
            lambda s: s["$defs"]["Soort"].update(enum=["a"]),
            "$.data.soort narrowed enum",
            id="enum value removed",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["naam"].update(enum=["x", "y"]),
            "$.data.naam narrowed enum",
            id="enum added",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["code"].update(pattern="^[A-Z]{4}$"),
            "$.data.code narrowed pattern",
            id="pattern changed",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["naam"].update(pattern="^[a-z]+$"),
            "$.data.naam narrowed pattern",
            id="pattern added",
        ),
        pytest.param(
            lambda s: s["$defs"].update(Soort={"type": "string", "pattern": "^[b-z]$"}),
            "$.data.soort narrowed pattern",
            id="enum opened to a pattern one of its values misses",
        ),
        pytest.param(
            lambda s: s["properties"]["type"].update(const="nl.maatwerk.test.v2"),
            "$.type changed const",
            id="const changed",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["naam"].update(maxLength=100),
            "$.data.naam tightened bound",
            id="maxLength lowered",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["aantal"].update(minimum=1),
            "$.data.aantal tightened bound",
            id="minimum raised",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["regels"].update(minItems=2),
            "$.data.regels tightened bound",
            id="minItems raised",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["regels"]["items"].update(format="date"),
            "$.data.regels[] narrowed format",
            id="format added in array items",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["regels"].update(uniqueItems=True),
            "$.data.regels tightened bound",
            id="uniqueItems added",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["naam"].update(allOf=[{"not": {"const": "x"}}]),
            "$.data.naam changed constraint",
            id="unknown keyword added",
        ),
    ],
)
def test_breaking_change_is_caught(change: Any, expected: str) -> None:
    assert expected in _changed(change)


def test_closing_an_open_object_breaks() -> None:
    old = _schema()
    _data(old)["additionalProperties"] = True
    new = _schema()
    assert "$.data closed object" in [f"{b.path} {b.rule}" for b in breaking_changes(old, new)]


def test_removed_released_field_breaks_even_when_it_was_optional() -> None:
    def change(s: dict[str, Any]) -> None:
        _data(s)["properties"].pop("toelichting")

    assert "$.data.toelichting removed field" in _changed(change)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda s: _data(s)["properties"].update(nieuw={"type": "string"}), id="optional field"
        ),
        pytest.param(lambda s: s["$defs"]["Soort"].update(enum=["a", "b", "c"]), id="enum widened"),
        pytest.param(
            lambda s: _data(s)["properties"]["naam"].update(maxLength=400), id="bound loosened"
        ),
        pytest.param(lambda s: _data(s)["properties"]["code"].pop("pattern"), id="pattern dropped"),
        pytest.param(lambda s: _data(s)["required"].remove("naam"), id="field made optional"),
        pytest.param(
            lambda s: s["$defs"].update(Soort={"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}),
            id="enum opened to a pattern all its values match (agency codes)",
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["aantal"].update(type="number"), id="integer->number"
        ),
        pytest.param(
            lambda s: _data(s)["properties"]["naam"].update(description="Better words."),
            id="description",
        ),
        pytest.param(
            lambda s: _data(s)["properties"].update(
                code={"anyOf": [{"type": "string", "pattern": "^[A-Z]{3}$"}, {"type": "null"}]}
            ),
            id="made nullable",
        ),
        pytest.param(
            lambda s: (
                s["$defs"].update(Payload=s["$defs"].pop("Data")),
                s["properties"]["data"].update({"$ref": "#/$defs/Payload"}),
            ),
            id="$defs renamed",
        ),
    ],
)
def test_compatible_change_passes(change: Any) -> None:
    assert _changed(change) == []


def test_union_alternatives_are_matched_by_content() -> None:
    old = {
        "anyOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]},
        ]
    }
    swapped = {"anyOf": list(reversed(old["anyOf"]))}
    assert breaking_changes(old, swapped) == []
    dropped = {"anyOf": old["anyOf"][:1]}
    assert breaking_changes(old, dropped) != []


def test_break_names_the_path_and_rule() -> None:
    old = _schema()
    new = copy.deepcopy(old)
    new["$defs"]["Soort"]["enum"] = ["a"]
    (found,) = breaking_changes(old, new)
    assert str(found) == "$.data.soort: narrowed enum (values removed: ['b'])"
