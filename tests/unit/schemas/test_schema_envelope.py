"""The envelope: building, parsing, subject rules, versions side by side, error messages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

import pytest
from pydantic import Field, ValidationError

import schemas
from schemas import envelope
from schemas.casus import CasusGeaccepteerd
from schemas.envelope import (
    CloudEvent,
    EventData,
    InvalidEvent,
    SubjectKind,
    make_event,
    parse_event,
    register,
    split_type,
    versions,
)
from schemas.ids import CasusId
from schemas.organisaties import HUB
from schemas.voorbeelden import CASUS_ID, GEMEENTE, TIJD, voorbeelden


def _body(event_type: str) -> dict[str, Any]:
    body: dict[str, Any] = voorbeelden()[event_type].model_dump(mode="json")
    return body


def test_every_registered_type_round_trips_through_bytes() -> None:
    for event_type, event in voorbeelden().items():
        parsed = parse_event(event.to_bytes())
        assert parsed == event, event_type
        assert parsed.type == event_type
        assert parsed.subject == parsed.data.event_subject()


def test_make_event_fills_the_envelope() -> None:
    data = CasusGeaccepteerd(casus_id=CASUS_ID, geaccepteerd_op=TIJD)
    event = make_event(data, source=HUB.source, subject=data.event_subject())
    assert event.type == "nl.maatwerk.casus.geaccepteerd.v1"
    assert event.dataschema.endswith("/nl.maatwerk.casus.geaccepteerd.v1.json")
    assert event.time.tzinfo is not None
    assert len(event.id) == 36


def test_subject_must_be_the_casus_id_of_the_data() -> None:
    body = _body("nl.maatwerk.casus.geaccepteerd.v1")
    body["subject"] = "MWL-2026-ZZZZZZZZZZ"
    with pytest.raises(InvalidEvent, match=r"^subject: must equal the casus in data"):
        parse_event(body)


def test_casus_bound_type_rejects_an_oin_subject() -> None:
    body = _body("nl.maatwerk.casus.geaccepteerd.v1")
    body["subject"] = GEMEENTE.oin
    with pytest.raises(InvalidEvent, match=r"subject: must be casus"):
        parse_event(body)


def test_register_type_is_keyed_on_the_oin() -> None:
    event = voorbeelden()["nl.maatwerk.register.maatwerkfunctionaris-geregistreerd.v1"]
    assert event.subject == GEMEENTE.oin
    assert event.data.subject_kind is SubjectKind.OIN
    body = event.model_dump(mode="json")
    body["subject"] = CASUS_ID
    with pytest.raises(InvalidEvent, match=r"^subject: must be oin"):
        parse_event(body)


def test_subject_never_takes_anything_else() -> None:
    body = _body("nl.maatwerk.casus.geaccepteerd.v1")
    body["subject"] = "123456782"
    with pytest.raises(InvalidEvent, match=r"^subject: String should match pattern"):
        parse_event(body)


def test_type_must_match_the_data() -> None:
    data = CasusGeaccepteerd(casus_id=CASUS_ID, geaccepteerd_op=TIJD)
    with pytest.raises(ValidationError, match=r"type: must be nl.maatwerk.casus.geaccepteerd.v1"):
        CloudEvent[CasusGeaccepteerd](
            id="x",
            source=HUB.source,
            type="nl.maatwerk.casus.gesloten.v1",
            time=TIJD,
            subject=CASUS_ID,
            dataschema=data.dataschema(),
            data=data,
        )


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b.update(source="urn:nld:oin:123:systeem:hub"), r"source: String should match"),
        (lambda b: b.update(time="2026-03-02T09:30:00"), r"time: Input should have timezone info"),
        (
            lambda b: b["data"].update(geaccepteerd_op="2026-03-02T09:30:00"),
            r"data.geaccepteerd_op",
        ),
        (lambda b: b.update(type="nl.maatwerk.onbekend.v1"), r"type: unknown event type"),
        (lambda b: b.update(extra="x"), r"extra: Extra inputs are not permitted"),
        (lambda b: b["data"].pop("casus_id"), r"data.casus_id: Field required"),
    ],
)
def test_errors_name_the_field_and_the_rule(mutate: Any, message: str) -> None:
    body = _body("nl.maatwerk.casus.geaccepteerd.v1")
    mutate(body)
    with pytest.raises(InvalidEvent, match=message):
        parse_event(json.dumps(body))


def test_model_rule_errors_name_the_field() -> None:
    body = _body("nl.maatwerk.opschorting.opgedragen.v1")
    body["data"]["periode"] = {"ingangsdatum": "2026-05-01", "einddatum": "2026-04-01"}
    with pytest.raises(InvalidEvent, match=r"data.periode: .*einddatum must not lie before"):
        parse_event(body)


def test_not_json_is_an_invalid_event() -> None:
    with pytest.raises(InvalidEvent, match="not valid JSON"):
        parse_event(b"\xff{")


def test_payloads_are_frozen() -> None:
    event = voorbeelden()["nl.maatwerk.casus.geaccepteerd.v1"]
    with pytest.raises(ValidationError):
        event.data.casus_id = "MWL-2026-ZZZZZZZZZZ"


def test_split_type() -> None:
    assert split_type("nl.maatwerk.casus.ingediend.v12") == ("nl.maatwerk.casus.ingediend", 12)
    with pytest.raises(ValueError, match="does not match"):
        split_type("nl.maatwerk.casus.ingediend")


def test_register_rejects_a_type_without_version() -> None:
    class Zonder(EventData):
        event_type: ClassVar[str] = "nl.maatwerk.casus.zonder-versie"

    with pytest.raises(ValueError, match="does not match"):
        register(Zonder)


def test_register_rejects_a_second_class_for_one_type() -> None:
    class Dubbel(EventData):
        event_type: ClassVar[str] = "nl.maatwerk.casus.ingediend.v1"

    with pytest.raises(ValueError, match="registered twice"):
        register(Dubbel)


def test_v1_and_v2_of_a_type_are_served_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    v1 = _body("nl.maatwerk.casus.geaccepteerd.v1")
    monkeypatch.setattr(envelope, "_REGISTRY", dict(envelope._REGISTRY))

    @register
    class CasusGeaccepteerdV2(EventData):
        """v2: a breaking change (a new required field) is a new type."""

        event_type: ClassVar[str] = "nl.maatwerk.casus.geaccepteerd.v2"
        casus_id: CasusId = Field(description="The casus.")
        behandelteam: str = Field(description="The loket team.")
        geaccepteerd_op: dt.datetime = Field(description="When.")

    served = versions("nl.maatwerk.casus.geaccepteerd")
    assert list(served) == [1, 2]
    assert served[1] is CasusGeaccepteerd
    assert served[2] is CasusGeaccepteerdV2
    v2 = make_event(
        CasusGeaccepteerdV2(casus_id=CASUS_ID, behandelteam="Noord", geaccepteerd_op=TIJD),
        source=HUB.source,
        subject=CASUS_ID,
    )
    assert isinstance(parse_event(v1).data, CasusGeaccepteerd)
    assert isinstance(parse_event(v2.to_bytes()).data, CasusGeaccepteerdV2)


def test_importing_schemas_registers_every_instrument() -> None:
    prefixes = {split_type(t)[0].split(".")[2] for t in schemas.event_types()}
    assert prefixes == {
        "casus",
        "opschorting",
        "escalatie",
        "overbrugging",
        "informatie",
        "afwijking",
        "register",
        "aflevering",
    }
