"""Connector settings (environment, prefix ``CONNECTOR_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.identiteit import KafkaTls


class ConnectorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONNECTOR_", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        description="The CA the broker's certificate is checked against (PEM). With the two below "
        "the connector connects over TLS with its agency's certificate (the agency's OIN is its "
        "Kafka principal: it may read its own instruction topics and write its own answer topics, "
        "nothing else).",
    )
    kafka_ssl_certfile: Path | None = Field(
        default=None, description="The agency's certificate (PEM), its OIN in serialNumber."
    )
    kafka_ssl_keyfile: Path | None = Field(default=None, description="Its private key (PEM).")
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
    retry_probe_interval: float = Field(
        default=1.0,
        gt=0,
        description="While the back-office is away, one waiting instruction asks it again at "
        "least this often (seconds), so its return is noticed within one interval.",
    )
    health_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve GET /health on this port: 204 while the broker answers, 500 otherwise "
        "(Kubernetes' probes, deploy/k8s). None: the connector serves no HTTP.",
    )
    health_host: str = Field(default="127.0.0.1", description="Interface of /health.")
    retry_server_error_attempts: int = Field(
        default=5,
        ge=1,
        description="Attempts in all (across redeliveries) while the back-office answers a server "
        "error (HTTP 500 and the like) to one instruction; then it is dead-lettered "
        "(backoffice-fout) and reported to the hub.",
    )
    log_interval: float = Field(
        default=30.0, ge=0, description="At most one log line per failing record per interval, s."
    )

    @model_validator(mode="after")
    def _check_kafka_tls(self) -> Self:
        self.kafka_tls  # noqa: B018 (all three files or none: raises otherwise)
        return self

    @property
    def kafka_tls(self) -> KafkaTls | None:
        """How the connector proves its agency to the broker, or None (PLAINTEXT)."""
        return KafkaTls.uit_bestanden(
            self.kafka_ssl_cafile, self.kafka_ssl_certfile, self.kafka_ssl_keyfile
        )


def get_settings() -> ConnectorSettings:
    return ConnectorSettings()
