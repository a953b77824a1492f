"""The push worker: each message addressed to a party with an ``https-push`` subscription is
POSTed to its endpoint as a structured CloudEvent (``application/cloudevents+json``), signed.

Signing follows the Standard Webhooks spec (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``: HMAC-SHA256 over ``id.timestamp.body`` with the subscription's secret,
given to the party once at creation), made by the ``standardwebhooks`` library that receivers
use to check it. The receiver's TLS certificate is verified (``HUB_WEBHOOK_CA``, else the
system's trust store); one keep-alive client serves every subscription.

Each round takes the due rows (:func:`hub.adapters.aflevering.te_bezorgen`: per subscription and
casus only the first undelivered one, so a casus keeps its order and others go on), sends the
rows of one subscription one after the other and different subscriptions at once, and records
each outcome (:func:`hub.domain.aflevering.beoordeel`): delivered; tried again by backoff; a
429 pauses the whole subscription until its ``Retry-After``; 410 ends the subscription (through
``on_beeindigd``, which audits it); after the last attempt, or at once on 415, the row is dead
and the next rows of its casus go on. Only the leader pushes (``leader``), so two replicas never
push one row twice; a crash between the POST and the commit means a second POST of the same
``webhook-id``, which receivers deduplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import ssl
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook

from hub.adapters.aflevering import te_bezorgen
from hub.adapters.orm import AbonnementRow, AfleveringRow
from hub.adapters.outbox import RetryPolicy
from hub.domain.aflevering import Poging, Uitkomst, beoordeel, volgende_poging
from schemas import CONTENT_TYPE

log = structlog.get_logger(__name__)

ERROR_CHARS = 1000

OnBeeindigd = Callable[[str, str], Awaitable[object]]
"""Told ``(subscription id, reason)`` when a receiver answered 410."""


@dataclass(frozen=True, slots=True)
class Resultaat:
    seq: int
    poging: Poging
    fout: str | None


def onderteken(geheim: str, event_id: str, moment: dt.datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one delivery."""
    handtekening = Webhook(geheim).sign(event_id, moment, body.decode())
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": handtekening,
    }


def tls_context(ca: Path | None) -> ssl.SSLContext:
    """Verify every receiver: against ``ca`` when given, else the system's trust store.

    Read once per process and CA file version (its modification time and size), not per call:
    loading the system's trust store takes some 30 ms of CPU, paid at every hub start and every
    subscription handshake otherwise. A CA file that is replaced is read again."""
    if ca is None:
        return _tls_context(None, None)
    stat = ca.stat()
    return _tls_context(str(ca), (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _tls_context(cafile: str | None, version: tuple[int, int] | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class WebhookBezorger:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], dt.datetime],
        ontsleutel: Callable[[str], str],
        policy: RetryPolicy,
        verify: ssl.SSLContext,
        timeout_seconds: float = 10.0,
        poll_seconds: float = 0.5,
        batch_size: int = 200,
        on_beeindigd: OnBeeindigd | None = None,
        leader: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._ontsleutel = ontsleutel
        self._policy = policy
        self._poll = poll_seconds
        self._batch = batch_size
        self._on_beeindigd = on_beeindigd
        self._leader = leader
        self._verify = verify
        self._timeout = timeout_seconds
        self._client = self._nieuwe_client()
        self._wake = asyncio.Event()

    def _nieuwe_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(verify=self._verify, timeout=self._timeout, follow_redirects=False)

    def wake(self) -> None:
        self._wake.set()

    async def close(self) -> None:
        await self._client.aclose()

    async def bezorg_once(self) -> int:
        """Push one round of due rows; returns how many were delivered."""
        async with self._sessions() as session:
            due = {"now": self._clock(), "limit": self._batch}
            rows = (await session.execute(te_bezorgen(), due)).all()
        per_abonnement: dict[str, list[tuple[AfleveringRow, AbonnementRow]]] = defaultdict(list)
        for row, abonnement in rows:
            per_abonnement[abonnement.abonnement_id].append((row, abonnement))
        rondes = await asyncio.gather(*(self._bezorg(r) for r in per_abonnement.values()))
        geleverd = 0
        for paren, resultaten in zip(per_abonnement.values(), rondes, strict=True):
            geleverd += await self._leg_vast(paren[0][1], paren, resultaten)
        return geleverd

    async def _bezorg(self, rows: list[tuple[AfleveringRow, AbonnementRow]]) -> list[Resultaat]:
        """The rows of one subscription in order; after a 429 or 410 the rest wait."""
        resultaten: list[Resultaat] = []
        for row, abonnement in rows:
            resultaat = await self._post(row, abonnement)
            resultaten.append(resultaat)
            if resultaat.poging.uitkomst is Uitkomst.BEEINDIGD or resultaat.poging.wacht:
                break
        return resultaten

    async def _post(self, row: AfleveringRow, abonnement: AbonnementRow) -> Resultaat:
        now = self._clock()
        headers = {
            "content-type": CONTENT_TYPE,
            **onderteken(self._ontsleutel(abonnement.geheim), row.event_id, now, row.value),
        }
        if abonnement.token:
            headers["authorization"] = f"Bearer {self._ontsleutel(abonnement.token)}"
        assert abonnement.endpoint is not None
        try:
            response = await self._client.post(
                abonnement.endpoint, content=row.value, headers=headers
            )
        except httpx.HTTPError as exc:
            reden = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
            return Resultaat(row.seq, beoordeel(None, None, now), reden)
        poging = beoordeel(response.status_code, response.headers.get("retry-after"), now)
        fout = None if poging.uitkomst is Uitkomst.AFGELEVERD else f"HTTP {response.status_code}"
        return Resultaat(row.seq, poging, fout)

    async def _leg_vast(
        self,
        abonnement: AbonnementRow,
        paren: Sequence[tuple[AfleveringRow, AbonnementRow]],
        resultaten: Sequence[Resultaat],
    ) -> int:
        """Record the outcomes of one subscription's round; returns how many were delivered."""
        rows = {row.seq: row for row, _ in paren}
        now = self._clock()
        geleverd = 0
        beeindigd: str | None = None
        async with self._sessions() as session:
            for r in resultaten:
                attempts = rows[r.seq].attempts + 1
                waarden: dict[str, object] = {"attempts": attempts, "last_error": r.fout}
                if r.poging.uitkomst is Uitkomst.AFGELEVERD:
                    waarden["afgeleverd_op"] = now
                    geleverd += 1
                elif r.poging.uitkomst is Uitkomst.BEEINDIGD:
                    beeindigd = f"receiver answered 410 Gone to event {rows[r.seq].event_id}"
                else:
                    wacht = volgende_poging(
                        r.poging, self._policy.delay(attempts), attempts, self._policy.max_attempts
                    )
                    if wacht is None:
                        waarden["dead_at"] = now
                        log.error(
                            "webhook delivery dead",
                            seq=r.seq,
                            event_id=rows[r.seq].event_id,
                            abonnement_id=abonnement.abonnement_id,
                            attempts=attempts,
                            error=r.fout,
                        )
                    else:
                        waarden["execute_after"] = now + wacht
                        if r.poging.wacht is not None:
                            await self._pauzeer(session, abonnement.abonnement_id, now + wacht)
                await session.execute(
                    update(AfleveringRow).where(AfleveringRow.seq == r.seq).values(**waarden)
                )
            await session.commit()
        if beeindigd is not None and self._on_beeindigd is not None:
            await self._on_beeindigd(abonnement.abonnement_id, beeindigd)
        return geleverd

    @staticmethod
    async def _pauzeer(session: AsyncSession, abonnement_id: str, tot: dt.datetime) -> None:
        """A 429 speaks for the receiver, not for one message: nothing of the subscription is
        pushed before ``tot``, also what is written meanwhile."""
        await session.execute(
            update(AbonnementRow)
            .where(AbonnementRow.abonnement_id == abonnement_id)
            .values(wacht_tot=tot)
        )

    async def run(self) -> None:
        """Push until cancelled (a restart by the supervisor gets a fresh client)."""
        if self._client.is_closed:
            self._client = self._nieuwe_client()
        try:
            while True:
                self._wake.clear()
                geleverd = 0
                try:
                    if self._leader is None or await self._leader():
                        geleverd = await self.bezorg_once()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("webhook push round failed")
                if geleverd >= self._batch:
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll):  # not wait_for: see OutboxRelay._run
                        await self._wake.wait()
        finally:
            await self._client.aclose()


ORIGIN = "maatwerk-hub"
"""What the hub names itself in the handshake (``WebHook-Request-Origin``)."""


async def handdruk(endpoint: str, *, verify: ssl.SSLContext, timeout_seconds: float) -> str | None:
    """The webhook guideline's OPTIONS handshake: the endpoint must answer 2xx with
    ``WebHook-Allowed-Origin`` naming the hub (or ``*``). Returns why not, or ``None``."""
    try:
        async with httpx.AsyncClient(verify=verify, timeout=timeout_seconds) as client:
            response = await client.options(endpoint, headers={"WebHook-Request-Origin": ORIGIN})
    except httpx.HTTPError as exc:
        return f"the handshake failed: {type(exc).__name__}: {exc}"[:ERROR_CHARS]
    allowed = response.headers.get("webhook-allowed-origin", "")
    if not response.is_success or allowed not in (ORIGIN, "*"):
        return (
            f"the handshake was answered {response.status_code} with WebHook-Allowed-Origin "
            f"{allowed!r}, not {ORIGIN!r}"
        )
    return None
