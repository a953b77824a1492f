"""Subscriptions of parties without Kafka: what they get over HTTPS, pushed or pulled.

A party subscribes for itself only (its OIN from its certificate), to types addressed to it
(:func:`hub.domain.aflevering.ontvangbare_types`: another party's are 403 naming ``types``).
A push subscription names an ``https`` endpoint that passed the webhook guideline's OPTIONS
handshake, and gets a signing secret, shown once. Every step is audited with its actor; a
subscription the receiver ended (410) is audited with the hub as actor and shown as ended with
its reason.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from hub.adapters.aflevering import PULL, PUSH
from hub.adapters.orm import AbonnementRow, AfleveringRow
from hub.domain.aflevering import ontvangbare_types
from hub.service.deps import Deps
from hub.service.errors import NietGevonden, Ongeldig, Verboden
from hub.service.unit_of_work import UnitOfWork
from schemas.organisaties import HUB

Handdruk = Callable[[str], Awaitable[None]]
"""The OPTIONS handshake against an endpoint; raises :class:`Ongeldig` naming ``endpoint``."""

HUB_DOOR = f"urn:nld:oin:{HUB.oin}"


@dataclass(frozen=True, slots=True)
class NieuwAbonnement:
    protocol: str
    types: tuple[str, ...]
    endpoint: str | None = None
    token: str | None = None


def nieuw_geheim() -> str:
    """A signing secret in the Standard Webhooks form: ``whsec_`` and 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _controleer(invoer: NieuwAbonnement, uitvoerder: str | None) -> None:
    toegestaan = ontvangbare_types(uitvoerder)
    vreemd = sorted(set(invoer.types) - toegestaan)
    if vreemd:
        raise Verboden(
            f"not addressed to you: {', '.join(vreemd)}; you may subscribe to "
            f"{', '.join(sorted(toegestaan))}",
            field="types",
        )
    if invoer.protocol == PUSH:
        if not invoer.endpoint or not invoer.endpoint.startswith("https://"):
            raise Ongeldig("a push subscription needs an https:// endpoint", field="endpoint")
        if urlsplit(invoer.endpoint).username is not None:
            raise Ongeldig(
                "credentials never go in the URL: give a token (sent as a bearer header)",
                field="endpoint",
            )
    elif invoer.endpoint is not None or invoer.token is not None:
        raise Ongeldig("a pull subscription has no endpoint or token", field="endpoint")


async def maak(
    invoer: NieuwAbonnement,
    uow: UnitOfWork,
    deps: Deps,
    *,
    oin: str,
    uitvoerder: str | None,
    door: str,
    handdruk: Handdruk,
) -> tuple[AbonnementRow, str]:
    """Create a subscription; returns it and its signing secret (given once)."""
    _controleer(invoer, uitvoerder)
    if invoer.protocol == PUSH:
        assert invoer.endpoint is not None
        await handdruk(invoer.endpoint)
    geheim = nieuw_geheim()
    versleutel = deps.secrets.versleutel_opslag
    row = AbonnementRow(
        abonnement_id=str(uuid.uuid4()),
        oin=oin,
        protocol=invoer.protocol,
        types=sorted(set(invoer.types)),
        endpoint=invoer.endpoint,
        geheim=versleutel(geheim),
        token=versleutel(invoer.token) if invoer.token else None,
        aangemaakt_op=deps.clock(),
        bevestigd_tot=0,
    )
    async with uow:
        uow.abonnementen.add(row)
        uow.audit.record(
            actor=door,
            actie="abonnement.aangemaakt",
            casus_id=None,
            details={
                "abonnement_id": row.abonnement_id,
                "protocol": row.protocol,
                "types": row.types,
                "endpoint": row.endpoint,
            },
        )
        await uow.commit()
    return row, geheim


async def eigen(abonnement_id: str, uow: UnitOfWork, *, oin: str) -> AbonnementRow:
    """A subscription of the caller (404 for another's: its existence is not told)."""
    row = await uow.abonnementen.get(abonnement_id)
    if row is None or row.oin != oin:
        raise NietGevonden(f"no subscription {abonnement_id} of yours", field="abonnement_id")
    return row


async def lijst(uow: UnitOfWork, *, oin: str) -> list[AbonnementRow]:
    async with uow:
        return await uow.abonnementen.van(oin)


async def beeindig(
    abonnement_id: str, uow: UnitOfWork, deps: Deps, *, oin: str | None, door: str, reden: str
) -> bool:
    """End a subscription (by its party, ``oin``; or by the hub for its receiver, ``None``).
    Audited; False when it had ended already."""
    async with uow:
        row = (
            await uow.abonnementen.get(abonnement_id)
            if oin is None
            else await eigen(abonnement_id, uow, oin=oin)
        )
        if row is None:
            return False
        gedaan = await uow.abonnementen.beeindig(abonnement_id, deps.clock(), reden)
        if gedaan:
            uow.audit.record(
                actor=door,
                actie="abonnement.beeindigd",
                casus_id=None,
                details={"abonnement_id": abonnement_id, "oin": row.oin, "reden": reden},
            )
            await uow.commit()
        return gedaan


async def events(
    abonnement_id: str, after: int, limit: int, uow: UnitOfWork, *, oin: str
) -> tuple[list[AfleveringRow], int]:
    """A pull subscription's messages after ``after``, in order, and the next cursor."""
    async with uow:
        row = await eigen(abonnement_id, uow, oin=oin)
        if row.protocol != PULL:
            raise Ongeldig("this subscription is pushed, not pulled", field="abonnement_id")
        found = await uow.abonnementen.feed(abonnement_id, after, limit)
        return found, (found[-1].seq if found else after)


async def bevestig(
    abonnement_id: str, cursor: int, uow: UnitOfWork, deps: Deps, *, oin: str
) -> int:
    """Record what a pulling party processed (up to ``cursor``, never backwards)."""
    async with uow:
        await eigen(abonnement_id, uow, oin=oin)
        if cursor > await uow.abonnementen.hoogste(abonnement_id):
            raise Ongeldig("cursor: beyond the last message of this subscription", field="cursor")
        bevestigd = await uow.abonnementen.bevestig(abonnement_id, cursor, deps.clock())
        await uow.commit()
        return bevestigd


async def purge_feed(uow: UnitOfWork, deps: Deps) -> int:
    """Delete feed rows past ``HUB_AFLEVERING_RETENTION_DAYS``."""
    before = deps.clock() - dt.timedelta(days=deps.settings.aflevering_retention_days)
    async with uow:
        deleted = await uow.abonnementen.purge(before)
        await uow.commit()
    return deleted
