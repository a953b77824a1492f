"""Connector settings (environment, prefix ``CONNECTOR_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConnectorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONNECTOR_", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    backoffice_url: str | None = Field(
        default=None, description="Back-office base URL; default: the agency's local simulator."
    )
    keys_dir: Path = Path(".var/keys")
    group_id: str | None = Field(
        default=None,
        description="Consumer group; default connector-<agency>. Override only to run a second, "
        "independent consumer (tests, a blue/green switch).",
    )
    request_timeout: float = Field(default=10.0, gt=0, description="Seconds per HTTP request.")
    retry_attempts: int = Field(
        default=4, ge=1, description="Attempts per delivery before the message is redelivered."
    )
    retry_backoff_initial: float = Field(default=0.5, ge=0, description="First wait, seconds.")
    retry_backoff_max: float = Field(default=8.0, ge=0, description="Longest wait, seconds.")


def get_settings() -> ConnectorSettings:
    return ConnectorSettings()
