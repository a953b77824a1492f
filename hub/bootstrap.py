"""Wiring: the one place where the hub's parts are built and connected.

:func:`bootstrap` builds everything one hub process runs (settings, the clock, the Kafka broker
with its subscribers, the outbox publisher, the metrics) without any I/O, so that an app can be
created to read its OpenAPI document. :meth:`HubProcess.start` then opens the store (engine,
migrations, secrets), starts the broker and the background tasks (outbox relay, expiry watcher,
retention purge); :meth:`HubProcess.stop` undoes that. :func:`build_hub` opens the store alone,
for tests and tools that need no broker.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Final

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.adapters import periodic
from hub.adapters.aflevering import schrijf_feed
from hub.adapters.afspraken_loader import laad_afspraken
from hub.adapters.consumer_lag import (
    CHECK_SECONDS,
    ConsumerLagMonitor,
    configured_connectors,
    connector_groups,
)
from hub.adapters.database import create_engine, create_schema, session_factory
from hub.adapters.dead_letter_reader import BrokerProducer, DeadLetterReader, OperatorProducer
from hub.adapters.kafka import KafkaPublisher, create_broker
from hub.adapters.lag_samples import LagSamples
from hub.adapters.leader import LeaderLease
from hub.adapters.metrics import HubMetrics
from hub.adapters.outbox import OutboxRelay, PublishBatch, RetryPolicy
from hub.adapters.secrets import AgencyKeys, HubSecrets
from hub.adapters.telemetry import configure_tracing
from hub.adapters.webhook import WebhookBezorger, tls_context
from hub.domain.afspraak import Afsprakentabel
from hub.service import (
    abonnementen,
    aflevering,
    afwijking,
    berichten,
    deelname,
    escalatie,
    informatie,
    opschorting,
    overbrugging,
)
from hub.service.aflevering import publicatie_opgegeven
from hub.service.berichten import afwijking as afwijking_berichten
from hub.service.berichten import casus as casus_berichten
from hub.service.berichten import escalatie as escalatie_berichten
from hub.service.berichten import informatie as informatie_berichten
from hub.service.berichten import opschorting as opschorting_berichten
from hub.service.berichten import overbrugging as overbrugging_berichten
from hub.service.berichten import register as register_berichten
from hub.service.berichten import signalering as signalering_berichten
from hub.service.casus import vul_zoeksleutels_aan
from hub.service.deps import Deps, utc_now
from hub.service.instrumentlijst import Instrumentlijst, lijsttabel
from hub.service.replay import ReplayKafka
from hub.service.retention import purge_expired
from hub.service.routes import Route, antwoord_topics, routetabel
from hub.service.signalering import bewaak_termijnen
from hub.service.sql_unit_of_work import RequestTransaction, SqlUnitOfWork
from hub.service.unit_of_work import UnitOfWork
from hub.settings import Settings, get_settings
from schemas.logs import KAFKA_CLIENT_LOGS
from schemas.supervision import Supervisor
from schemas.topics import AGENCIES, dead_letter_topics

Clock = Callable[[], dt.datetime]

VERTALINGEN: Final[berichten.Vertalingen] = berichten.vertaaltabel(
    casus_berichten.VERTALINGEN,
    opschorting_berichten.VERTALINGEN,
    informatie_berichten.VERTALINGEN,
    overbrugging_berichten.VERTALINGEN,
    register_berichten.VERTALINGEN,
    escalatie_berichten.VERTALINGEN,
    afwijking_berichten.VERTALINGEN,
    signalering_berichten.VERTALINGEN,
)
"""Each kind of domain event and its translation into contract messages and an audit entry (the
message bus, ``hub.service.berichten``)."""

ANTWOORD_ROUTES: Final[Mapping[str, Route]] = routetabel(
    [
        opschorting.ANTWOORD_ROUTE,
        informatie.ANTWOORD_ROUTE,
        aflevering.ANTWOORD_ROUTE,
        deelname.ANTWOORD_ROUTE,
    ]
)
"""Each answer type the hub takes and its route (the one answer handler,
``hub.service.antwoorden``); the hub subscribes to the topics that carry them."""

INSTRUMENTLIJSTEN: Final[tuple[Instrumentlijst, ...]] = lijsttabel(
    opschorting.INSTRUMENTLIJST,
    *informatie.INSTRUMENTLIJSTEN,
    escalatie.INSTRUMENTLIJST,
    afwijking.INSTRUMENTLIJST,
    overbrugging.INSTRUMENTLIJST,
)
"""Each kind of instrument the casus view lists under ``instrumenten`` (the casus service and its
view name none of them: ``hub.service.instrumentlijst``)."""


@dataclass
class Hub:
    """The opened store and what the handlers need: one per process, read by every entry point."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    deps: Deps
    afspraken: Afsprakentabel
    """The agreement table, loaded at start (``hub.adapters.afspraken_loader``)."""
    relay: OutboxRelay | None = None
    bezorger: WebhookBezorger | None = None
    """The webhook push worker (HTTPS delivery), once started."""

    def now(self) -> dt.datetime:
        """The hub's one clock (``deps.clock``), looked up on each call: a test may replace
        ``deps`` while the hub runs, and the relay follows."""
        return self.deps.clock()

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(
            self.sessions,
            bus=berichten.bus(self.deps, VERTALINGEN),
            clock=self.deps.clock,
            on_outbox_commit=self._wake,
            feed=functools.partial(schrijf_feed, oin_van=self._oin_van),
        )

    def _wake(self) -> None:
        """After a commit that wrote outbox rows: the relay, and the push worker (the feed is
        written with them)."""
        for worker in (self.relay, self.bezorger):
            if worker is not None:
                worker.wake()

    def _oin_van(self, code: str) -> str | None:
        """The OIN of an agency (the only organisations a topic of their own is written for)."""
        return self.settings.oin_van(code) if code in AGENCIES else None

    def attach_bezorger(self, leader: Callable[[], Awaitable[bool]] | None) -> WebhookBezorger:
        """The webhook push worker; with ``leader`` it pushes only while this replica leads."""
        settings = self.settings
        self.bezorger = WebhookBezorger(
            self.sessions,
            clock=self.now,
            ontsleutel=self.deps.secrets.ontsleutel_opslag,
            policy=RetryPolicy(
                max_attempts=settings.webhook_max_attempts,
                base_seconds=settings.webhook_backoff_base_seconds,
                max_seconds=settings.webhook_backoff_max_seconds,
            ),
            verify=tls_context(settings.webhook_ca),
            timeout_seconds=settings.webhook_timeout_seconds,
            poll_seconds=settings.webhook_poll_seconds,
            on_beeindigd=lambda abonnement_id, reden: abonnementen.beeindig(
                abonnement_id,
                self.uow(),
                self.deps,
                oin=None,
                door=abonnementen.HUB_DOOR,
                reden=reden,
            ),
            leader=leader,
        )
        return self.bezorger

    def request_transaction(self, *, batch: bool = False) -> RequestTransaction:
        """One transaction for a whole request: the units of work inside it are its savepoints
        (``hub.entrypoints.idempotentie``); ``batch``: a batch of answers, whose units of work
        leave their audit entries and other writes to its commit and hand on what they loaded
        (``hub.service.sql_unit_of_work``)."""
        return RequestTransaction(self.sessions, batch=batch)

    def attach_relay(
        self, publish: PublishBatch, *, leader: Callable[[], Awaitable[bool]] | None = None
    ) -> OutboxRelay:
        """The outbox relay; with ``leader`` it relays only in the rounds this replica leads."""
        settings = self.settings
        self.relay = OutboxRelay(
            self.sessions,
            publish,
            clock=self.now,
            policy=RetryPolicy(
                max_attempts=settings.outbox_max_attempts,
                base_seconds=settings.outbox_backoff_base_seconds,
                max_seconds=settings.outbox_backoff_max_seconds,
            ),
            poll_seconds=settings.outbox_poll_seconds,
            on_dead=lambda dead: publicatie_opgegeven(dead, self.uow(), self.deps),
            leader=leader,
        )
        return self.relay

    async def close(self) -> None:
        await self.engine.dispose()


async def build_hub(settings: Settings, *, clock: Clock = utc_now) -> Hub:
    """Open the store (create or upgrade its schema), load the secrets, and fill the BSN lookup
    keys the migrations could not (``vul_zoeksleutels_aan``). The agreement table is loaded
    first: a broken one stops the start (``AfsprakenOngeldig``)."""
    afspraken = laad_afspraken(settings.afspraken_bestand)
    engine = create_engine(settings.database_url, requests=settings.max_requests)
    await create_schema(engine)
    deps = Deps(
        settings=settings,
        secrets=HubSecrets.load(
            settings.keys_dir,
            pseudonym_key=settings.pseudonym_key,
            storage_key=settings.storage_key,
        ),
        keys=AgencyKeys(settings.keys_dir),
        antwoorden=ANTWOORD_ROUTES,
        clock=clock,
    )
    # The hub's key pair at start, not at its first use: ``hub.pub`` is there for an agency
    # (and ``maatwerk-hub seal-bsn``) from the first start.
    deps.secrets.bsn_sleutel  # noqa: B018 (a cached property, read for its effect)
    hub = Hub(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        deps=deps,
        afspraken=afspraken,
    )
    try:
        await vul_zoeksleutels_aan(hub.uow, deps)
    except BaseException:
        await hub.close()
        raise
    return hub


class HubProcess:
    """Everything one hub process runs. Built by :func:`bootstrap`; nothing runs before
    :meth:`start`."""

    def __init__(self, settings: Settings, *, clock: Clock) -> None:
        configure_tracing()
        self.settings = settings
        self.clock = clock
        self.metrics = HubMetrics()
        self.broker: KafkaBroker = create_broker(settings)
        self.publisher = KafkaPublisher(self.broker, on_outcomes=self.metrics.record_publish)
        operator_tls = settings.replay_kafka_tls
        self.operator_producer = (
            None
            if operator_tls is None
            else OperatorProducer(settings.kafka_bootstrap_servers, operator_tls)
        )
        self.replay = ReplayKafka(
            open_source=DeadLetterReader(settings.kafka_bootstrap_servers, settings.kafka_tls).open,
            hub=BrokerProducer(self.broker),
            operator=self.operator_producer,
        )
        """What replaying dead letters needs of Kafka (``hub.service.replay``)."""
        self.lag: ConsumerLagMonitor | None = None
        self.lease: LeaderLease | None = None
        """Whether this replica runs the once-only jobs (relay, expiry, purge)."""
        self._hub: Hub | None = None
        self.supervisor = Supervisor(on_crash=self.metrics.record_task_crash)
        """The background tasks and Kafka consumer loops, restarted when they crash; read by
        ``/health``, ``/ready`` and ``/metrics``."""

    @property
    def hub(self) -> Hub:
        if self._hub is None:
            raise RuntimeError("the hub is not started")
        return self._hub

    async def start(self) -> Hub:
        hub = self._hub = await build_hub(self.settings, clock=self.clock)
        lease = self.lease = LeaderLease(hub.engine)
        relay = hub.attach_relay(self.publisher, leader=lease.held)
        try:
            await self.broker.start()
        except BaseException:
            await self.stop()
            raise
        settings = self.settings
        supervisor = self.supervisor
        supervisor.start("outbox-relay", relay.run)
        supervisor.start("webhook-push", hub.attach_bezorger(lease.held).run)
        supervisor.start(
            "aflevering-purge",
            lambda: periodic.every(
                settings.retention_check_seconds,
                _when_leading(lease, lambda: abonnementen.purge_feed(hub.uow(), hub.deps)),
                name="aflevering-purge",
                on_failure=self.metrics.record_job_failure,
                first_after=_first_round(settings.retention_check_seconds),
            ),
        )
        supervisor.start(
            "expiry-watcher",
            lambda: periodic.every(
                settings.expiry_check_seconds,
                _when_leading(lease, lambda: bewaak_termijnen(hub.uow, hub.deps)),
                name="expiry-watcher",
                on_failure=self.metrics.record_job_failure,
                first_after=_first_round(settings.expiry_check_seconds),
            ),
        )
        supervisor.start(
            "retention-purge",
            lambda: periodic.every(
                settings.retention_check_seconds,
                _when_leading(lease, lambda: purge_expired(hub.uow(), hub.deps)),
                name="retention-purge",
                on_failure=self.metrics.record_job_failure,
                first_after=_first_round(settings.retention_check_seconds),
            ),
        )
        if self.lag is not None:
            lag, samples, clock = self.lag, LagSamples(hub.sessions), self.clock

            async def lag_round() -> None:  # the gauge every round, the chart's sample a minute
                await samples.record(clock(), await lag.refresh())

            supervisor.start(
                "consumer-lag",
                lambda: periodic.every(
                    CHECK_SECONDS,
                    lag_round,
                    name="consumer-lag",
                    on_failure=self.metrics.record_job_failure,
                ),
            )
        supervisor.start("kafka-log-summary", KAFKA_CLIENT_LOGS.watch)
        self.metrics.record_tasks(supervisor.report())
        return hub

    async def stop(self) -> None:
        await self.supervisor.stop()
        if self.lease is not None:
            await self.lease.release()
            self.lease = None
        if self.operator_producer is not None:
            await self.operator_producer.stop()
        await self.broker.stop()
        if self._hub is not None:
            await self._hub.close()
            self._hub = None


FIRST_ROUND_SECONDS: Final = 10.0
"""How long after its start the hub first runs its housekeeping (the expiry watcher, the
retention and feed purges), at most; then every round as configured. Their first rounds used to
run the moment the hub started, beside its migrations check, its consumers joining and the
relay's first batches: nine statements of which a start gained nothing (a time-out that ended
while the hub was down is recorded ten seconds later, at most, instead of at once; the hourly
purge comes ten seconds later). They were also about a third of the CPU of starting a hub in the
API tests, which start one per test and rarely run ten seconds."""


def _first_round(interval: float) -> float:
    """Seconds until a housekeeping job's first round: :data:`FIRST_ROUND_SECONDS`, or its
    interval when that is shorter (a stack that checks every second starts checking after one)."""
    return min(interval, FIRST_ROUND_SECONDS)


def _when_leading(
    lease: LeaderLease, job: Callable[[], Awaitable[object]]
) -> Callable[[], Awaitable[object]]:
    """``job``, run only in the rounds this replica is the leader."""

    async def gated() -> object:
        return await job() if await lease.held() else None

    return gated


def bootstrap(settings: Settings | None = None, *, clock: Clock = utc_now) -> HubProcess:
    """Build the whole hub, connected but not started. Its entry points attach themselves to
    what this builds (``hub.app.create_app``: the HTTP routes and the stream subscribers), so this
    module never imports them."""
    process = HubProcess(settings or get_settings(), clock=clock)
    group = process.settings.consumer_group
    process.lag = ConsumerLagMonitor(
        process.settings.kafka_bootstrap_servers,
        {
            group: antwoord_topics(ANTWOORD_ROUTES),
            f"{group}-deadletters": [t.name for t in dead_letter_topics()],
            **connector_groups(),
        },
        tls=process.settings.kafka_tls,
        on_lags=process.metrics.record_lag,
        only=configured_connectors(AgencyKeys(process.settings.keys_dir).is_connected),
    )
    return process
