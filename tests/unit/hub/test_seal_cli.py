"""``maatwerk-hub seal-bsn``: a BSN from standard input, sealed with the hub's public key from the
place ``make run`` writes it, opens with the hub's private key; anything else is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from hub.cli import app
from schemas.versleuteling import generate_private_key, open_sealed


@pytest.fixture
def keys_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUB_KEYS_DIR", str(tmp_path))
    return tmp_path


def test_a_bsn_sealed_with_the_hubs_public_key_opens_with_its_private_key(keys_dir: Path) -> None:
    private = generate_private_key()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (keys_dir / "hub.pub").write_bytes(pem)
    result = CliRunner().invoke(app, ["seal-bsn"], input="999990020\n")
    assert result.exit_code == 0, result.output
    sealed = result.stdout.strip()
    assert "999990020" not in sealed
    assert open_sealed(sealed, private) == "999990020"


@pytest.mark.parametrize("invoer", ["12345678\n", "999990021\n", "\n"])
def test_no_bsn_on_standard_input_is_refused(keys_dir: Path, invoer: str) -> None:
    result = CliRunner().invoke(app, ["seal-bsn"], input=invoer)
    assert result.exit_code == 2
    assert "no BSN" in result.output


def test_without_the_hubs_key_it_says_where_it_looked(keys_dir: Path) -> None:
    result = CliRunner().invoke(app, ["seal-bsn"], input="999990020\n")
    assert result.exit_code == 2
    assert str(keys_dir / "hub.pub") in result.output
