"""Forward compatibility: an event may name an agency the reader has no plug-in for.

An agency joins by installing its package, so the hub and the readers of its topics are not
upgraded at once: a reader that refused every event naming a newer agency would dead-letter them
all. Readers accept any well-formed agency code; acting on one that is not installed here (finding
its topic, routing to it) is refused, and the API refuses it naming the field
(tests/api/hub/test_api.py)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from schemas import parse_event
from schemas.envelope import InvalidEvent
from schemas.opschorting import OpschortingOpgedragen
from schemas.organisaties import Uitvoerder
from schemas.topics import instructie_topic
from schemas.voorbeelden import voorbeelden

TYPE = OpschortingOpgedragen.event_type
NIEUW = "waterschap"
"""An agency this process has not installed (tests/plugin_agency is installed only in the e2e)."""


def _opgedragen(scope: list[str]) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(voorbeelden()[TYPE].model_dump_json(by_alias=True))
    raw["data"]["scope"] = [{"uitvoerder": code} for code in scope]
    return raw


def test_a_reader_without_the_plug_in_reads_an_event_naming_a_newer_agency() -> None:
    assert NIEUW not in Uitvoerder
    event = parse_event(_opgedragen(["cjib", NIEUW]))
    cjib, nieuw = (s.uitvoerder for s in event.data.scope)
    assert cjib is Uitvoerder.CJIB
    assert nieuw == NIEUW and nieuw.value == NIEUW
    assert nieuw not in Uitvoerder, "read, not installed"
    # Acting on it is refused: this process has no topic for an agency it has not installed.
    with pytest.raises(ValueError, match="unknown agency 'waterschap'"):
        instructie_topic(nieuw)
    # What it read, it writes on unchanged (a projection, a replay).
    assert json.loads(event.model_dump_json(by_alias=True))["data"]["scope"][1] == {
        "uitvoerder": NIEUW,
        "vorderingen": None,
    }


@pytest.mark.parametrize("code", ["Waterschap", "water schap", "w", "1waterschap", "", "a" * 40])
def test_a_malformed_agency_code_is_still_refused_naming_the_field(code: str) -> None:
    with pytest.raises(InvalidEvent, match=r"data\.scope\.0\.uitvoerder: String should match"):
        parse_event(_opgedragen([code]))


def test_the_published_contract_accepts_any_well_formed_agency_code() -> None:
    """A reader in another language validates with the committed JSON Schema: it too reads the
    events of an agency that joined after it was built."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    schema = json.loads((root / "schemas" / "json" / f"{TYPE}.json").read_text(encoding="utf-8"))
    jsonschema.validate(_opgedragen(["cjib", NIEUW]), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_opgedragen(["Water Schap"]), schema)
