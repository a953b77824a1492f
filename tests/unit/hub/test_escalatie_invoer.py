"""The escalation's commands: every free-text field refuses a BSN naming the field (and never
repeats it), every list has a maximum, organisations are OINs."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hub.service import escalatie_commands as c

BSN_TEKST = "zie 9999.90.019"
CJIB = "00000001999999990102"
AANMELDING = {"reden": "r", "samenvatting": "s", "vraag": "v"}
ORGANISATIE = {"oin": CJIB, "naam": "n", "soort": "overig"}
ACTIE = {"omschrijving": "o", "verantwoordelijke": CJIB, "uiterlijk": "2030-01-01"}
KNELPUNT = {"categorie": "wetgeving", "omschrijving": "o", "regel": {"regeling": "Awb"}}


def _zet(body: dict[str, Any], pad: tuple[str | int, ...], waarde: Any) -> dict[str, Any]:
    import copy

    kopie = copy.deepcopy(body)
    doel: Any = kopie
    for stap in pad[:-1]:
        doel = doel[stap]
    doel[pad[-1]] = waarde
    return kopie


FREE_TEXT = [
    (c.MeldEscalatieAan, AANMELDING, ("reden",)),
    (c.MeldEscalatieAan, AANMELDING, ("samenvatting",)),
    (c.MeldEscalatieAan, AANMELDING, ("vraag",)),
    (c.MeldEscalatieAan, {**AANMELDING, "geprobeerd": "g"}, ("geprobeerd",)),
    (
        c.MeldEscalatieAan,
        {**AANMELDING, "organisaties": [ORGANISATIE]},
        ("organisaties", 0, "naam"),
    ),
    (
        c.MeldEscalatieAan,
        {**AANMELDING, "organisaties": [ORGANISATIE]},
        ("organisaties", 0, "functie"),
    ),
    (
        c.MeldEscalatieAan,
        {**AANMELDING, "documenten": [{"kenmerk": "k", "titel": "t"}]},
        ("documenten", 0, "titel"),
    ),
    (c.PlanOverleg, {"aanvang": "2030-01-01T10:00:00Z", "locatie": "l"}, ("locatie",)),
    (
        c.PlanOverleg,
        {"aanvang": "2030-01-01T10:00:00Z", "locatie": "l", "agenda": ["a"]},
        ("agenda", 0),
    ),
    (c.StelUitkomstVast, {"uitkomst": "geen-oplossing", "besluit": "b"}, ("besluit",)),
    (
        c.StelUitkomstVast,
        {"uitkomst": "geen-oplossing", "besluit": "b", "actiepunten": [ACTIE]},
        ("actiepunten", 0, "omschrijving"),
    ),
    (c.RondActiepuntAf, {"toelichting": "t"}, ("toelichting",)),
    (c.RegistreerKnelpunt, KNELPUNT, ("omschrijving",)),
    (c.RegistreerKnelpunt, {**KNELPUNT, "voorstel": "v"}, ("voorstel",)),
    (c.RegistreerKnelpunt, KNELPUNT, ("regel", "regeling")),
    (
        c.RegistreerKnelpunt,
        {**KNELPUNT, "regel": {"regeling": "r", "artikel": "a"}},
        ("regel", "artikel"),
    ),
]


@pytest.mark.parametrize(("command", "body", "pad"), FREE_TEXT)
def test_every_free_text_field_refuses_a_bsn_naming_the_field(command, body, pad):
    command.model_validate(body)
    with pytest.raises(ValidationError) as caught:
        command.model_validate(_zet(body, pad, BSN_TEKST))
    errors = caught.value.errors(include_input=False)
    assert [e["loc"] for e in errors] == [pad]
    assert "9999" not in str(errors)


@pytest.mark.parametrize(
    ("command", "body", "field", "too_many"),
    [
        (
            c.MeldEscalatieAan,
            AANMELDING,
            "organisaties",
            [{"oin": f"000000019999999{i:05d}"} for i in range(c.MAX_ORGANISATIES + 1)],
        ),
        (c.MeldEscalatieAan, AANMELDING, "documenten", [{"kenmerk": "k", "titel": "t"}] * 51),
        (
            c.StelUitkomstVast,
            {"uitkomst": "geen-oplossing", "besluit": "b"},
            "actiepunten",
            [ACTIE] * (c.MAX_ACTIEPUNTEN + 1),
        ),
        (
            c.PlanOverleg,
            {"aanvang": "2030-01-01T10:00:00Z", "locatie": "l"},
            "agenda",
            ["a"] * (c.MAX_AGENDA + 1),
        ),
    ],
)
def test_lists_have_a_maximum(command, body, field, too_many):
    with pytest.raises(ValidationError) as caught:
        command.model_validate({**body, field: too_many})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_an_organisation_twice_and_a_malformed_oin_are_refused():
    with pytest.raises(ValidationError) as caught:
        c.MeldEscalatieAan.model_validate({**AANMELDING, "organisaties": [{"oin": CJIB}] * 2})
    assert caught.value.errors()[0]["loc"] == ("organisaties",)
    with pytest.raises(ValidationError) as caught:
        c.RegistreerKnelpunt.model_validate({**KNELPUNT, "betrokken_partijen": ["123"]})
    assert caught.value.errors()[0]["loc"] == ("betrokken_partijen", 0)
