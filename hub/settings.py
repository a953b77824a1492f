"""The hub's settings: one class, read from the environment with prefix ``HUB_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, SecretStr, StringConstraints, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.identiteit import KafkaTls
from schemas.organisaties import BEHEER, DEELNEMERS, HUB, LET, LOKET, UITVOERDERS, Uitvoerder
from schemas.topics import DAY_MS, Topic, informatie_antwoord_topic, opschorting_antwoord_topic

Oin = Annotated[str, StringConstraints(pattern=r"^[0-9]{20}$")]

DEDUPLICATED_TOPICS: tuple[Topic, ...] = tuple(
    t(u) for t in (opschorting_antwoord_topic, informatie_antwoord_topic) for u in Uitvoerder
)
"""Topics whose events the hub recognises again by their id (``processed_event``). A new consumer
that marks processed events adds its topic here, so the retention check below covers it."""

KAFKA_DEFAULT_SEGMENT_MS = 7 * DAY_MS
"""Kafka deletes whole log segments only: a record can outlive ``retention.ms`` by up to the
topic's ``segment.ms`` (Kafka's default: 7 days)."""


def _longest_redelivery_days(topics: tuple[Topic, ...]) -> float:
    """How long, at most, a record of these topics can still be read (and so redelivered)."""
    return max(
        (t.retention_ms + int(t.configs.get("segment.ms", KAFKA_DEFAULT_SEGMENT_MS))) / DAY_MS
        for t in topics
    )


ROL_PATROON = (
    r"^(loket|operator|let-secretaris|deelnemer|uitvoerder:("
    + "|".join(u.value for u in Uitvoerder)
    + r"))$"
)
"""The roles a caller can have: ``loket``, ``operator``, ``let-secretaris``, ``deelnemer`` (an
organisation without a connector), or ``uitvoerder:<agency>`` (an agency, with its code)."""

RolNaam = Annotated[str, StringConstraints(pattern=ROL_PATROON)]


def _default_oins() -> dict[Uitvoerder, str]:
    return {Uitvoerder(code): organisatie.oin for code, organisatie in UITVOERDERS.items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:19092")
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        description="The CA the broker's certificate is checked against (PEM). With the two below "
        "the hub connects over TLS with its own certificate (its OIN is its Kafka principal); "
        "without them it speaks PLAINTEXT, which a secured broker refuses.",
    )
    kafka_ssl_certfile: Path | None = Field(
        default=None, description="The hub's certificate (PEM), its OIN in subject serialNumber."
    )
    kafka_ssl_keyfile: Path | None = Field(default=None, description="Its private key (PEM).")
    replay_kafka_ssl_certfile: Path | None = Field(
        default=None,
        description="The operators' certificate (PEM; beheer, a super user of the broker), used "
        "only to replay dead letters to topics that only an agency may write (its answers). "
        "With replay_kafka_ssl_keyfile and kafka_ssl_cafile; without it those are refused.",
    )
    replay_kafka_ssl_keyfile: Path | None = Field(default=None, description="Its private key.")
    database_url: str = Field(
        default="sqlite+aiosqlite:///.var/hub.sqlite3",
        description="SQLAlchemy async URL: an SQLite file by default, or postgresql+asyncpg://...",
    )
    max_requests: int = Field(
        default=64,
        ge=1,
        le=1000,
        description="Most HTTP requests handled at once; one more gets 503 with Retry-After at "
        "once instead of queueing (/health and /ready excepted). The store keeps a connection "
        "for each, so a request never waits for one, only for its turn to write. Idle "
        "keep-alive connections do not count: see max_connections.",
    )
    max_connections: int = Field(
        default=1024,
        ge=1,
        le=65536,
        description="Most HTTP connections open at once, idle keep-alive ones included; past it "
        "a request gets 503 (uvicorn's limit_concurrency). Far above max_requests: callers keep "
        "pools of connections, and an idle one must not turn a request away.",
    )
    afspraken_bestand: Path | None = Field(
        default=None,
        description="The agreement table (YAML, docs/afspraken.md); default: the one shipped "
        "in hub/afspraken/. A file that does not pass its checks stops the hub at start.",
    )
    keys_dir: Path = Field(
        default=Path(".var/keys"),
        description="Where the agencies' public keys (<agency>.pub) and, for a development stack, "
        "the hub's secrets live.",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="HMAC key that turns a BSN into a pseudonym. When absent, the file "
        "<keys_dir>/hub-pseudonym.key is used (created on first use: development only).",
    )
    storage_key: SecretStr | None = Field(
        default=None,
        description="Fernet key that encrypts BSNs at rest. When absent, the file "
        "<keys_dir>/hub-storage.key is used (created on first use: development only).",
    )
    oin: str = Field(default=HUB.oin, pattern=r"^[0-9]{20}$")
    systeem: str = Field(default=HUB.systeem)
    uitvoerder_oins: dict[Uitvoerder, Oin] = Field(
        default_factory=_default_oins,
        description="The agencies' OINs, by agency code, as JSON (HUB_UITVOERDER_OINS="
        '\'{"cjib": "..."}\'). Agencies not named keep the development OIN of '
        "schemas.organisaties; an answer is accepted only from the source with its agency's OIN.",
    )
    answer_deadline_hours: float = Field(
        default=48,
        gt=0,
        description="How long an agency has to answer a time-out instruction (a fraction of an "
        "hour for tests); past it, the request is late and escalated.",
    )
    einde_waarschuwing_dagen: int = Field(
        default=14,
        ge=0,
        le=366,
        description="How many days before a time-out's last day the loket and the agencies in "
        "it are warned that it ends (once per end date).",
    )
    informatie_bewaartermijn_uren: float = Field(
        default=720,
        gt=0,
        description="How long the hub keeps the (sealed) content an agency gave in answer to an "
        "information request, from when it arrived; then the retention purge deletes it. That "
        "it was given stays (category, person's pseudonym, agency, when, when it was deleted).",
    )
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_max_attempts: int = Field(
        default=30,
        ge=1,
        description="Publication attempts of one outbox message; after the last one it is dead: "
        "no longer retried by itself, listed for operators (GET /api/v1/ops/outbox?status=dead).",
    )
    outbox_backoff_base_seconds: float = Field(
        default=5,
        gt=0,
        description="Wait after the first failed attempt; it doubles after each next one.",
    )
    outbox_backoff_max_seconds: float = Field(
        default=3600,
        gt=0,
        description="Longest wait between two attempts. With the defaults the last of 30 "
        "attempts is about 20 hours after the first.",
    )
    outbox_retention_days: float = Field(
        default=7,
        gt=0,
        description="How long a published outbox row is kept (for operators and audits) before "
        "it is purged. Dead and pending rows are never purged.",
    )
    processed_event_retention_days: float = Field(
        default=60,
        gt=0,
        description="How long the id of a consumed event is kept to recognise a redelivery. Must "
        "exceed the longest time a record of a deduplicated topic can be read again (the answer "
        "topic's retention, 30 days, plus a log segment, 7 days): a redelivered answer whose id "
        "was purged would be taken for a new one.",
    )
    retention_check_seconds: float = Field(
        default=3600, gt=0, description="How often the hub purges what is past its retention."
    )
    expiry_check_seconds: float = Field(
        default=60, gt=0, description="How often the hub looks for time-outs past their end."
    )
    consumer_group: str = Field(default="hub")
    idempotency_key_retention_days: float = Field(
        default=1,
        gt=0,
        description="How long an Idempotency-Key and its answer are kept: a client retrying "
        "within it gets the first answer again; after it the key is free.",
    )
    webhook_max_attempts: int = Field(
        default=12,
        ge=1,
        description="Attempts to push one message to a party's webhook before it is "
        "dead-lettered (visible at /api/v1/ops/afleveringen) and the next of its casus goes on.",
    )
    webhook_backoff_base_seconds: float = Field(default=5, gt=0)
    webhook_backoff_max_seconds: float = Field(default=3600, gt=0)
    webhook_poll_seconds: float = Field(default=0.5, gt=0)
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, description="How long the hub waits for a webhook receiver's answer."
    )
    webhook_ca: Path | None = Field(
        default=None,
        description="Trust anchor(s) for webhook receivers' certificates (PEM); else the "
        "system's trust store. A receiver's certificate is always verified.",
    )
    aflevering_retention_days: float = Field(
        default=14,
        gt=0,
        description="How long a message stays in a party's feed (pull and push alike).",
    )
    max_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description="Largest request body the API reads (413 beyond it). 64 KiB: what the NL GOV "
        "CloudEvents profile guarantees for a message, far above any valid command.",
    )
    rate_limit_per_second: float = Field(
        default=20,
        ge=0,
        description="Requests per second each caller (its OIN, else its address) may make to the "
        "API on average; 0 switches the limit off. Beyond it: 429 with Retry-After.",
    )
    rate_limit_burst: int = Field(
        default=100, ge=1, description="Requests a caller may make at once before the rate counts."
    )
    tls_cert: Path | None = Field(
        default=None,
        description="The hub's server certificate (PEM). With tls_key and tls_ca the hub serves "
        "HTTPS and asks every caller for a client certificate (mutual TLS).",
    )
    tls_key: Path | None = Field(default=None, description="The server certificate's key (PEM).")
    tls_ca: Path | None = Field(
        default=None,
        description="The trust anchor(s) that client certificates must chain to (PEM): the "
        "PKIoverheid private root in production, deploy/pki's local CA in development.",
    )
    rollen: dict[Oin, list[RolNaam]] | None = Field(
        default=None,
        description='Roles per OIN, as JSON (HUB_ROLLEN=\'{"<OIN>": ["loket"]}\'). When set it is '
        "the whole mapping: an OIN not named has no access. When absent: the development "
        "organisations of schemas.organisaties (loket, beheer as operator, LET as let-secretaris) "
        "each agency's OIN of uitvoerder_oins as uitvoerder:<agency>, and the municipalities, "
        "health insurer and care office of schemas.organisaties.DEELNEMERS as deelnemer.",
    )

    @field_validator("uitvoerder_oins", mode="after")
    @classmethod
    def _keep_unnamed_agencies(cls, oins: dict[Uitvoerder, str]) -> dict[Uitvoerder, str]:
        """An override names the agencies it changes; the others keep their default."""
        return {**_default_oins(), **oins}

    @model_validator(mode="after")
    def _check_retry_and_retention(self) -> Self:
        if self.outbox_backoff_max_seconds < self.outbox_backoff_base_seconds:
            raise ValueError("outbox_backoff_max_seconds is less than outbox_backoff_base_seconds")
        longest = _longest_redelivery_days(DEDUPLICATED_TOPICS)
        if self.processed_event_retention_days <= longest:
            raise ValueError(
                f"processed_event_retention_days must exceed {longest:g}: a record of "
                f"{', '.join(t.name for t in DEDUPLICATED_TOPICS)} can be redelivered that long, "
                "and its event id must still be known then"
            )
        return self

    @model_validator(mode="after")
    def _check_kafka_tls(self) -> Self:
        self.kafka_tls  # noqa: B018 (all three files or none: raises otherwise)
        return self

    @property
    def kafka_tls(self) -> KafkaTls | None:
        """How the hub proves itself to the broker, or None (PLAINTEXT: in-memory tests only)."""
        return KafkaTls.uit_bestanden(
            self.kafka_ssl_cafile, self.kafka_ssl_certfile, self.kafka_ssl_keyfile
        )

    @property
    def replay_kafka_tls(self) -> KafkaTls | None:
        """The operators' identity for replays to agencies' topics, or None (not given)."""
        if self.replay_kafka_ssl_certfile is None and self.replay_kafka_ssl_keyfile is None:
            return None
        return KafkaTls.uit_bestanden(
            self.kafka_ssl_cafile, self.replay_kafka_ssl_certfile, self.replay_kafka_ssl_keyfile
        )

    @model_validator(mode="after")
    def _check_replay_kafka_tls(self) -> Self:
        self.replay_kafka_tls  # noqa: B018 (both files and the CA, or neither: raises otherwise)
        return self

    @model_validator(mode="after")
    def _check_tls(self) -> Self:
        """Half a TLS configuration would silently serve plain HTTP: refuse it."""
        given = [self.tls_cert, self.tls_key, self.tls_ca]
        if any(given) and not all(given):
            raise ValueError("tls_cert, tls_key and tls_ca go together: set all three or none")
        return self

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    def rollen_per_oin(self) -> dict[str, frozenset[str]]:
        """Who may do what, by OIN: the configured mapping, or the development default."""
        if self.rollen is not None:
            return {oin: frozenset(rollen) for oin, rollen in self.rollen.items()}
        standaard: dict[str, set[str]] = {
            LOKET.oin: {"loket"},
            BEHEER.oin: {"operator"},
            LET.oin: {"let-secretaris"},
        }
        for code, oin in self.uitvoerder_oins.items():
            standaard.setdefault(oin, set()).add(f"uitvoerder:{code.value}")
        for deelnemer in DEELNEMERS:
            standaard.setdefault(deelnemer.oin, set()).add("deelnemer")
        return {oin: frozenset(rollen) for oin, rollen in standaard.items()}

    @property
    def source(self) -> str:
        return f"urn:nld:oin:{self.oin}:systeem:{self.systeem}"

    def oin_van(self, uitvoerder: Uitvoerder | str) -> str:
        """The OIN an agency's messages carry in their source (``urn:nld:oin:<OIN>:...``)."""
        return self.uitvoerder_oins[Uitvoerder(uitvoerder)]


@lru_cache
def get_settings() -> Settings:
    return Settings()
