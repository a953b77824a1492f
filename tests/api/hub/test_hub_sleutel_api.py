"""The hub writes its X25519 public key when it starts, where ``maatwerk-hub seal-bsn`` looks
(``<HUB_KEYS_DIR>/hub.pub``): on a fresh ``make run`` it was made only at its first use, so the
README's check before collecting could find no key to seal with."""

from __future__ import annotations

from typer.testing import CliRunner

from hub.cli import app
from schemas.versleuteling import load_private_key, open_sealed


async def test_a_started_hub_has_written_the_key_seal_bsn_uses(hub_app, hub_settings, cjib):
    public = hub_settings.keys_dir / "hub.pub"
    assert public.exists(), "no hub.pub after the start"
    served = (await cjib.get("/api/v1/sleutels/hub")).json()["public_key_pem"]
    assert public.read_text() == served  # the key the hub serves and opens with
    result = CliRunner().invoke(app, ["seal-bsn", "--public-key", str(public)], input="999990020\n")
    assert result.exit_code == 0, result.output
    private = load_private_key((hub_settings.keys_dir / "hub.key").read_bytes())
    assert open_sealed(result.stdout.strip(), private) == "999990020"
