"""The hub's settings: one class, read from the environment with prefix ``HUB_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.organisaties import HUB, UITVOERDERS, Uitvoerder


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:19092")
    database_url: str = Field(
        default="sqlite+aiosqlite:///.var/hub.sqlite3",
        description="SQLAlchemy async URL: an SQLite file by default, or postgresql+asyncpg://...",
    )
    keys_dir: Path = Field(
        default=Path(".var/keys"),
        description="Where the agencies' public keys (<agency>.pub) and the hub's secrets live.",
    )
    oin: str = Field(default=HUB.oin, pattern=r"^[0-9]{20}$")
    systeem: str = Field(default=HUB.systeem)
    answer_deadline_hours: int = Field(
        default=48, ge=1, description="How long an agency has to answer a time-out instruction."
    )
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    expiry_check_seconds: float = Field(
        default=60, gt=0, description="How often the hub looks for time-outs past their end."
    )
    consumer_group: str = Field(default="hub")

    def oin_van(self, uitvoerder: str) -> str:
        """The OIN an agency's connector answers with."""
        return UITVOERDERS[Uitvoerder(uitvoerder)].oin

    @property
    def source(self) -> str:
        return f"urn:nld:oin:{self.oin}:systeem:{self.systeem}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
