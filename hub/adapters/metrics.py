"""Prometheus metrics of one hub instance, in a registry of its own (not the global default one,
so that several apps in one process, as in the tests, do not collide).

Labels are only ever agency codes, chain statuses, dead-letter reason codes and the catalogue's
consumer groups, topics and partitions: a few known values each, never anything taken from a
message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from hub.adapters.consumer_lag import Lag
from hub.adapters.outbox import NotAttempted

CONTENT_TYPE = CONTENT_TYPE_LATEST
HUB_REASON_CODES = ("ongeldig-bericht", "antwoord-afgewezen", "verwerkingsfout")
"""Why the hub itself dead-letters a message (``hub.entrypoints.stream``)."""


class HubMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.answers = Counter(
            "hub_answers_processed",
            "Agencies' answers that set a chain link, by agency and the status it got.",
            ["uitvoerder", "status"],
            registry=self.registry,
        )
        self.duplicate_answers = Counter(
            "hub_answers_duplicate_ignored",
            "Answers ignored: an event id seen before, or a link that was answered already.",
            ["uitvoerder"],
            registry=self.registry,
        )
        self.dead_lettered = Counter(
            "hub_messages_dead_lettered",
            "Messages the hub set aside on the dead-letter topic, by reason code.",
            ["redencode"],
            registry=self.registry,
        )
        for code in HUB_REASON_CODES:
            self.dead_lettered.labels(redencode=code)
        self.consumer_retries = Counter(
            "hub_consumer_records_handed_back",
            "Records a hub consumer handed back to be redelivered after a wait, by consumer "
            "(antwoorden, dead-letters) and whether the failure was transient (database or broker "
            "away: retried as long as it lasts) or the record's own (bounded attempts).",
            ["consumer", "transient"],
            registry=self.registry,
        )
        self.dead_letters_skipped = Counter(
            "hub_dead_letters_skipped",
            "Records on the dead-letter topic the hub could not store after its attempts, and "
            "skipped (logged as an error).",
            registry=self.registry,
        )
        self.outbox_published = Counter(
            "hub_outbox_published",
            "Outbox messages the broker acknowledged.",
            registry=self.registry,
        )
        self.outbox_failures = Counter(
            "hub_outbox_publish_failures",
            "Outbox messages whose publication failed (retried later, or dead after the last "
            "attempt).",
            registry=self.registry,
        )
        self.outbox_dead = Gauge(
            "hub_outbox_dead",
            "Outbox messages no longer retried (attempts ran out, or never publishable): an "
            "operator must look at them (GET /api/v1/ops/outbox?status=dead).",
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "hub_outbox_backlog",
            "Outbox messages not yet published and still tried (dead ones apart).",
            registry=self.registry,
        )
        self.outbox_oldest_age = Gauge(
            "hub_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unpublished outbox message (0 when there is none).",
            registry=self.registry,
        )
        self.requests_pending = Gauge(
            "hub_requests_pending",
            "Requests to an agency waiting for its answer.",
            ["uitvoerder"],
            registry=self.registry,
        )
        self.requests_undeliverable = Gauge(
            "hub_requests_undeliverable",
            "Requests whose instruction could not be delivered to the agency's back-office "
            "(reported by its connector, or given up by the hub's outbox): no answer is coming "
            "until the cause is fixed.",
            ["uitvoerder"],
            registry=self.registry,
        )
        self.requests_late = Gauge(
            "hub_requests_late",
            "Requests still unanswered (pending or undeliverable) past their answer deadline "
            "(reageer_uiterlijk).",
            ["uitvoerder"],
            registry=self.registry,
        )

        self.task_crashes = Counter(
            "hub_background_task_crashes",
            "Crashes of a long-running task (outbox relay, expiry watcher, retention purge, "
            "consumer-lag monitor, a Kafka consumer loop), each restarted after a backoff "
            "(schemas.supervision).",
            ["task"],
            registry=self.registry,
        )
        self.task_up = Gauge(
            "hub_background_task_up",
            "1 while the task runs, 0 while it waits for its restart after a crash.",
            ["task"],
            registry=self.registry,
        )
        self.job_failures = Counter(
            "hub_periodic_job_failures",
            "Failed rounds of a periodic job (expiry watcher, retention purge, consumer-lag "
            "monitor); the job runs again at its next round.",
            ["task"],
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "hub_consumer_lag",
            "Records a consumer group has yet to process, per topic partition (end offset minus "
            "committed offset), measured every few seconds (hub.adapters.consumer_lag).",
            ["group", "topic", "partition"],
            registry=self.registry,
        )

    def record_task_crash(self, task: str) -> None:
        self.task_crashes.labels(task=task).inc()
        self.task_up.labels(task=task).set(0)

    def record_job_failure(self, job: str) -> None:
        self.job_failures.labels(task=job).inc()

    def record_tasks(self, tasks: Mapping[str, Mapping[str, object]]) -> None:
        """Each task's up gauge from the supervisor's report (and its counters shown at 0)."""
        for task, status in tasks.items():
            self.task_crashes.labels(task=task)
            self.task_up.labels(task=task).set(1 if status["state"] == "running" else 0)

    def record_lag(self, lags: Sequence[Lag]) -> None:
        self.consumer_lag.clear()
        for lag in lags:
            self.consumer_lag.labels(
                group=lag.group, topic=lag.topic, partition=str(lag.partition)
            ).set(lag.lag)

    def record_publish(self, outcomes: Sequence[BaseException | None]) -> None:
        published = sum(1 for outcome in outcomes if outcome is None)
        not_tried = sum(1 for outcome in outcomes if isinstance(outcome, NotAttempted))
        self.outbox_published.inc(published)
        self.outbox_failures.inc(len(outcomes) - published - not_tried)

    def render(
        self,
        *,
        outbox_unsent: int,
        outbox_oldest_age_seconds: float | None,
        pending: Mapping[str, int],
        late: Mapping[str, int],
        outbox_dead: int = 0,
        undeliverable: Mapping[str, int] | None = None,
    ) -> bytes:
        """The text exposition, with the gauges set to the values read at scrape time."""
        self.outbox_backlog.set(outbox_unsent)
        self.outbox_dead.set(outbox_dead)
        self.outbox_oldest_age.set(outbox_oldest_age_seconds or 0.0)
        self.requests_pending.clear()
        self.requests_late.clear()
        self.requests_undeliverable.clear()
        for uitvoerder, count in (undeliverable or {}).items():
            self.requests_undeliverable.labels(uitvoerder=uitvoerder).set(count)
        for uitvoerder, count in pending.items():
            self.requests_pending.labels(uitvoerder=uitvoerder).set(count)
        for uitvoerder, count in late.items():
            self.requests_late.labels(uitvoerder=uitvoerder).set(count)
        return generate_latest(self.registry)
