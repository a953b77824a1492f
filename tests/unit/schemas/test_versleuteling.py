"""Sealing for one receiver: the receiver's key as a message carries it, and the shape check."""

from __future__ import annotations

import pytest

from schemas.informatie import VorderingInhoud
from schemas.versleuteling import (
    SealError,
    generate_private_key,
    is_sealed,
    load_public_key_text,
    open_sealed,
    public_key_text,
    seal,
)


def test_content_sealed_with_the_key_text_opens_only_with_the_receivers_key() -> None:
    ontvanger = generate_private_key()
    ander = generate_private_key()
    tekst = public_key_text(ontvanger.public_key())
    assert len(tekst) == 43
    inhoud = VorderingInhoud(
        referentie="CJIB-123",
        soort="verkeersboete",
        oorspronkelijk_bedrag_centen=23900,
        openstaand_bedrag_centen=11900,
    ).model_dump_json()
    verzegeld = seal(inhoud, load_public_key_text(tekst))
    assert is_sealed(verzegeld)
    assert "CJIB-123" not in verzegeld
    assert VorderingInhoud.model_validate_json(open_sealed(verzegeld, ontvanger)).referentie == (
        "CJIB-123"
    )
    with pytest.raises(SealError):
        open_sealed(verzegeld, ander)


@pytest.mark.parametrize("tekst", ["", "abc", "A" * 42, "!" * 43, "A" * 44])
def test_a_key_text_that_is_no_key_is_refused(tekst: str) -> None:
    with pytest.raises(SealError):
        load_public_key_text(tekst)


@pytest.mark.parametrize(
    ("tekst", "verzegeld"),
    [
        ("v1.a.b.c", True),
        ("Twee vorderingen, EUR 1.840,00.", False),
        ("v2.a.b.c", False),
        ("v1.a..c", False),
    ],
)
def test_the_shape_of_a_sealed_value(tekst: str, verzegeld: bool) -> None:
    assert is_sealed(tekst) is verzegeld
