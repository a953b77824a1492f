import stat

from typer.testing import CliRunner

from connectors.cli import app
from schemas.versleuteling import load_private_key, load_public_key, public_key_pem

runner = CliRunner()


def test_keygen_creates_a_private_key_0600_and_its_public_key(tmp_path):
    result = runner.invoke(app, ["keygen", "--agency", "cjib", "--keys-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    prive, publiek = tmp_path / "cjib.key", tmp_path / "cjib.pub"
    assert stat.S_IMODE(prive.stat().st_mode) == 0o600
    sleutel = load_private_key(prive.read_bytes())
    assert public_key_pem(sleutel.public_key()) == publiek.read_bytes()
    load_public_key(publiek.read_bytes())


def test_keygen_keeps_an_existing_pair_and_restores_a_missing_pub(tmp_path):
    runner.invoke(app, ["keygen", "--agency", "duo", "--keys-dir", str(tmp_path)])
    eerst = (tmp_path / "duo.key").read_bytes()
    pub = (tmp_path / "duo.pub").read_bytes()
    result = runner.invoke(app, ["keygen", "--agency", "duo", "--keys-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "kept" in result.output
    assert (tmp_path / "duo.key").read_bytes() == eerst
    (tmp_path / "duo.pub").unlink()
    runner.invoke(app, ["keygen", "--agency", "duo", "--keys-dir", str(tmp_path)])
    assert (tmp_path / "duo.pub").read_bytes() == pub


def test_unknown_agency_is_refused(tmp_path):
    result = runner.invoke(app, ["keygen", "--agency", "nasa", "--keys-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []


def test_run_without_a_key_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CONNECTOR_KEYS_DIR", str(tmp_path))
    result = runner.invoke(app, ["run", "--agency", "cjib"])
    assert result.exit_code == 2
    assert "keygen" in result.output


def test_keygen_makes_the_pairs_of_several_agencies_in_one_call(tmp_path):
    result = runner.invoke(
        app, ["keygen", "--agency", "cjib", "--agency", "duo", "--keys-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    for agency in ("cjib", "duo"):
        sleutel = load_private_key((tmp_path / f"{agency}.key").read_bytes())
        assert public_key_pem(sleutel.public_key()) == (tmp_path / f"{agency}.pub").read_bytes()


def test_keygen_with_one_unknown_agency_among_several_makes_no_key(tmp_path):
    result = runner.invoke(
        app, ["keygen", "--agency", "nasa", "--agency", "cjib", "--keys-dir", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []
