"""The payload models: every field described, money in cents, the instruments' own rules."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import schemas
from schemas import escalatie, informatie, opschorting
from schemas.envelope import SubjectKind
from schemas.gedeeld import Bedrag
from schemas.publish.json_schema import event_schema
from schemas.voorbeelden import voorbeelden


def _payload(event_type: str) -> dict[str, Any]:
    data: dict[str, Any] = voorbeelden()[event_type].data.model_dump(mode="json")
    return data


def _walk_properties(node: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            found.append((f"{path}.{name}", prop))
        for key, value in node.items():
            found += _walk_properties(value, f"{path}.{key}" if key != "properties" else path)
    elif isinstance(node, list):
        for value in node:
            found += _walk_properties(value, path)
    return found


@pytest.mark.parametrize("event_type", sorted(schemas.event_types()))
def test_every_field_is_described(event_type: str) -> None:
    schema = event_schema(schemas.event_types()[event_type])
    undescribed = [p for p, prop in _walk_properties(schema) if not prop.get("description")]
    assert undescribed == []


@pytest.mark.parametrize("event_type", sorted(schemas.event_types()))
def test_every_model_and_enum_has_a_docstring(event_type: str) -> None:
    defs = event_schema(schemas.event_types()[event_type])["$defs"]
    assert [name for name, d in defs.items() if not d.get("description")] == []


def test_casus_bound_types_carry_the_casus_id() -> None:
    for event_type, model in schemas.event_types().items():
        if model.subject_kind is SubjectKind.CASUS:
            assert "casus_id" in model.model_fields, event_type
        else:
            assert "organisatie_oin" in model.model_fields, event_type


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for field in model.model_fields.values():
        for candidate in _types_in(field.annotation):
            if inspect.isclass(candidate) and issubclass(candidate, BaseModel):
                names |= _field_names(candidate, seen)
    return names


def _types_in(annotation: Any) -> list[Any]:
    found = [annotation]
    for arg in getattr(annotation, "__args__", ()):
        found += _types_in(arg)
    return found


def test_no_field_can_hold_a_bsn_in_clear() -> None:
    names: set[str] = set()
    for model in schemas.event_types().values():
        names |= _field_names(model, set())
    assert {n for n in names if "bsn" in n.lower()} == {"bsn_versleuteld"}


class TestBedrag:
    def test_is_integer_cents_in_euro(self) -> None:
        bedrag = Bedrag.model_validate_json('{"centen": 12345}')
        assert bedrag.centen == 12345
        assert bedrag.valuta == "EUR"
        assert str(bedrag) == "EUR 123,45"

    @pytest.mark.parametrize(
        ("raw", "rule"),
        [
            ('{"centen": 123.0}', "centen: Input should be a valid integer"),
            ('{"centen": "123"}', "centen: Input should be a valid integer"),
            ('{"centen": -1}', "centen: Input should be greater than or equal to 0"),
            ('{"centen": 1, "valuta": "USD"}', "valuta: Input should be 'EUR'"),
        ],
    )
    def test_rejects(self, raw: str, rule: str) -> None:
        with pytest.raises(ValidationError) as caught:
            Bedrag.model_validate_json(raw)
        error = caught.value.errors()[0]
        assert f"{error['loc'][0]}: {error['msg']}".startswith(rule)


def test_verlenging_must_move_the_end_date_later() -> None:
    data = _payload("nl.maatwerk.opschorting.verlengd.v1")
    data["periode"]["einddatum"] = data["vorige_einddatum"]
    with pytest.raises(ValidationError, match="must lie after vorige_einddatum"):
        opschorting.OpschortingVerlengd.model_validate(data)


def test_claim_not_suspended_needs_a_reason_code() -> None:
    with pytest.raises(ValidationError, match="redencode is required"):
        opschorting.VorderingResultaat(vordering="X-1", opgeschort=False)


def test_outcome_with_solution_names_the_responsible_party() -> None:
    data = _payload("nl.maatwerk.escalatie.uitkomst-vastgesteld.v1")
    data["verantwoordelijke"] = None
    with pytest.raises(ValidationError, match="verantwoordelijke is required"):
        escalatie.EscalatieUitkomstVastgesteld.model_validate(data)
    data["uitkomst"] = "geen-oplossing"
    escalatie.EscalatieUitkomstVastgesteld.model_validate(data)


def test_knelpunt_in_legislation_names_the_rule() -> None:
    data = _payload("nl.maatwerk.escalatie.knelpunt-geregistreerd.v1")
    data.update(categorie="wetgeving", regel=None)
    with pytest.raises(ValidationError, match="regel is required"):
        escalatie.KnelpuntGeregistreerd.model_validate(data)


class TestInformatieMinimisation:
    def test_request_asks_only_what_the_agreement_allows(self) -> None:
        data = _payload("nl.maatwerk.informatie.verzoek.v1")
        data["gevraagde_categorieen"] = ["vorderingen", "inkomen"]
        with pytest.raises(ValidationError, match="not allowed by afspraak: inkomen"):
            informatie.InformatieVerzoek.model_validate(data)

    def test_request_names_a_category_once(self) -> None:
        data = _payload("nl.maatwerk.informatie.verzoek.v1")
        data["gevraagde_categorieen"] = ["vorderingen", "vorderingen"]
        with pytest.raises(ValidationError, match="must not name a category twice"):
            informatie.InformatieVerzoek.model_validate(data)

    def test_answer_carries_only_what_was_asked(self) -> None:
        data = _payload("nl.maatwerk.informatie.verstrekt.v1")
        data["gegevens"][0]["categorie"] = "inkomen"
        with pytest.raises(
            ValidationError, match="gegevens holds categories not asked for: inkomen"
        ):
            informatie.InformatieVerstrekt.model_validate(data)

    def test_withheld_categories_were_asked(self) -> None:
        data = _payload("nl.maatwerk.informatie.verstrekt.v1")
        data["niet_verstrekt"][0]["categorie"] = "toeslagen"
        with pytest.raises(ValidationError, match="niet_verstrekt holds categories not asked"):
            informatie.InformatieVerstrekt.model_validate(data)


def test_periode_end_before_start_is_rejected() -> None:
    with pytest.raises(ValidationError, match="einddatum must not lie before ingangsdatum"):
        opschorting.Periode(ingangsdatum=dt.date(2026, 5, 1), einddatum=dt.date(2026, 4, 1))


def test_a_delivery_failure_says_redencode_and_an_older_record_with_reden_code_still_opens():
    """One word for a reason code across the contract; a connector of before that choice wrote
    ``reden_code``, and its records on the answer topics must still be read, not dead-lettered."""
    from schemas.aflevering import AfleveringMislukt

    voorbeeld = voorbeelden()[AfleveringMislukt.event_type]
    written = voorbeeld.data.model_dump(mode="json")
    assert "redencode" in written and "reden_code" not in written
    older = {("reden_code" if k == "redencode" else k): v for k, v in written.items()}
    assert AfleveringMislukt.model_validate(older).redencode == voorbeeld.data.redencode
