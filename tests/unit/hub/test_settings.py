"""Settings the hub refuses, and the ones that come from the environment: secrets, agency OINs."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from hub.adapters.secrets import HubSecrets
from hub.settings import Settings
from schemas.organisaties import UITVOERDERS, Uitvoerder


def test_processed_event_ids_must_outlive_every_redelivery_of_an_answer():
    # The answer topic keeps records 30 days, and a log segment may hold them 7 more.
    with pytest.raises(ValidationError, match="must exceed 37"):
        Settings(processed_event_retention_days=30)
    with pytest.raises(ValidationError, match="must exceed 37"):
        Settings(processed_event_retention_days=37)
    assert Settings(processed_event_retention_days=38).processed_event_retention_days == 38
    assert Settings().processed_event_retention_days == 60


def test_backoff_cap_below_its_base_is_refused():
    with pytest.raises(ValidationError, match="outbox_backoff_max_seconds"):
        Settings(outbox_backoff_base_seconds=10, outbox_backoff_max_seconds=5)


def test_agency_oins_default_to_the_development_ones_and_an_override_names_only_its_own(
    monkeypatch,
):
    assert Settings().oin_van("cjib") == UITVOERDERS[Uitvoerder.CJIB].oin
    monkeypatch.setenv("HUB_UITVOERDER_OINS", '{"cjib": "00000004000000000777"}')
    settings = Settings()
    assert settings.oin_van(Uitvoerder.CJIB) == "00000004000000000777"
    assert settings.oin_van("duo") == UITVOERDERS[Uitvoerder.DUO].oin
    monkeypatch.setenv("HUB_UITVOERDER_OINS", '{"cjib": "777"}')
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("HUB_UITVOERDER_OINS", '{"nobody": "00000004000000000777"}')
    with pytest.raises(ValidationError):
        Settings()


def test_secrets_from_settings_and_dev_files_only_when_absent(monkeypatch, tmp_path):
    from cryptography.fernet import Fernet

    storage = Fernet.generate_key().decode()
    monkeypatch.setenv("HUB_PSEUDONYM_KEY", "pseudonym-key-from-the-vault")
    monkeypatch.setenv("HUB_STORAGE_KEY", storage)
    settings = Settings(keys_dir=tmp_path)
    assert isinstance(settings.pseudonym_key, SecretStr)
    assert "pseudonym-key-from-the-vault" not in repr(settings)
    secrets = HubSecrets.load(
        tmp_path, pseudonym_key=settings.pseudonym_key, storage_key=settings.storage_key
    )
    assert secrets.pseudonym_key == b"pseudonym-key-from-the-vault"
    assert Fernet(storage.encode()).decrypt(secrets.versleutel_opslag("999990019").encode())
    assert list(tmp_path.iterdir()) == []  # no development files

    monkeypatch.delenv("HUB_PSEUDONYM_KEY")
    monkeypatch.setenv("HUB_STORAGE_KEY", "")
    settings = Settings(keys_dir=tmp_path)
    dev = HubSecrets.load(
        tmp_path, pseudonym_key=settings.pseudonym_key, storage_key=settings.storage_key
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hub-pseudonym.key", "hub-storage.key"]
    assert dev.pseudonym_key == (tmp_path / "hub-pseudonym.key").read_bytes()
