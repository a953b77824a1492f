"""Response bodies of the operators' API (``/api/v1/ops``). Never a BSN, never a message value."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from hub.adapters.outbox_queries import OutboxEntry, OutboxStatus
from hub.entrypoints.opschorting_views import ContactView
from hub.service.ops import Overview
from hub.service.outbox import Discarded, OutboxPage
from hub.service.vrije_tekst import VrijeTekst
from schemas.organisaties import UITVOERDERS, Uitvoerder


class OpschortingenTelling(BaseModel):
    """Time-out orders by chain status."""

    pending: int = Field(
        description="At least one agency has not answered (pending or undeliverable)."
    )
    confirmed: int = Field(description="Every agency suspended everything in scope.")
    incomplete: int = Field(description="Every agency answered, but not all suspended everything.")


class VerzoekenTelling(BaseModel):
    """Requests to agencies (one per agency per order or change) by status."""

    pending: int
    confirmed: int
    partially_confirmed: int
    refused: int
    undeliverable: int = Field(
        default=0,
        description="Not answered, and the instruction could not be delivered to the agency's "
        "back-office (its connector reported it, or the hub's outbox gave up on it).",
    )
    late: int = Field(
        description="Unanswered (pending or undeliverable) past the answer deadline "
        "(reageer_uiterlijk)."
    )


class UitvoerderTelling(VerzoekenTelling):
    uitvoerder: str = Field(description="The agency's code.")
    naam: str = Field(description="The agency's name.")


def _naam(code: str) -> str:
    try:
        return UITVOERDERS[Uitvoerder(code)].naam
    except ValueError:
        return code


class OutboxRegel(BaseModel):
    """An outbox message: where it goes, what it is and how its delivery went; never its value."""

    seq: int = Field(description="Its place in the outbox (order of writing).")
    status: OutboxStatus
    topic: str
    key: str = Field(description="The record key: the casus id.")
    event_type: str
    event_id: str
    attempts: int = Field(description="Publication attempts so far.")
    last_error: str | None = Field(description="Error of the latest failed attempt.")
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None = Field(
        description="Not published before this moment; null unless pending or held (a held one "
        "waits for the dead message that holds it, whatever this says)."
    )
    dead_at: dt.datetime | None = Field(
        description="When it was given up; null unless dead or discarded."
    )
    held_by: int | None = Field(
        description="Held: the seq of the dead message of its casus it waits behind (order per "
        "casus holds until an operator retries or discards that one); null otherwise."
    )
    discarded_at: dt.datetime | None = Field(
        description="When an operator discarded it (never published); null otherwise."
    )
    value_size: int = Field(description="Size of the value in bytes.")

    @classmethod
    def of(cls, entry: OutboxEntry) -> OutboxRegel:
        status = entry.status
        return cls(
            seq=entry.seq,
            status=status,
            topic=entry.topic,
            key=entry.key,
            event_type=entry.event_type,
            event_id=entry.event_id,
            attempts=entry.attempts,
            last_error=entry.last_error,
            created_at=entry.created_at,
            next_attempt_at=(
                entry.execute_after if status in (OutboxStatus.PENDING, OutboxStatus.HELD) else None
            ),
            dead_at=entry.dead_at,
            held_by=entry.held_by,
            discarded_at=entry.discarded_at,
            value_size=entry.value_size,
        )


class OutboxVerwijderen(BaseModel):
    """An operator's decision to give up on a dead message."""

    model_config = ConfigDict(extra="forbid")

    reden: VrijeTekst = Field(
        min_length=1,
        max_length=2000,
        description="Why the message is given up (in the audit trail with the operator); no BSN.",
    )


class OutboxVerwijderd(BaseModel):
    """The discarded message, and the later messages of its casus it no longer holds."""

    verwijderd: OutboxRegel
    vrijgegeven: list[OutboxRegel] = Field(
        description="The held messages it released, oldest first (they go out now, in order); "
        "a later dead message of the casus still holds those behind it."
    )

    @classmethod
    def of(cls, d: Discarded) -> OutboxVerwijderd:
        return cls(
            verwijderd=OutboxRegel.of(d.entry), vrijgegeven=[OutboxRegel.of(e) for e in d.released]
        )


class OutboxPagina(BaseModel):
    """Outbox messages of one status, newest first."""

    items: list[OutboxRegel]
    next_before: int | None = Field(
        description="Pass as 'before' for the next (older) page; null on the last page."
    )

    @classmethod
    def of(cls, page: OutboxPage) -> OutboxPagina:
        return cls(items=[OutboxRegel.of(e) for e in page.entries], next_before=page.next_before)


class OutboxStand(BaseModel):
    unsent: int = Field(
        description="Messages not yet published to Kafka, and still tried (held ones included)."
    )
    oldest_unsent_age_seconds: float | None = Field(
        description="Age of the oldest of those; null when there is none."
    )
    dead: int = Field(description="Messages no longer tried: an operator must retry them.")
    dead_newest: list[OutboxRegel] = Field(description="The newest dead messages (at most 5).")
    held: int = Field(
        description="Messages held behind a dead one of their casus: they wait until an "
        "operator retries or discards it."
    )
    held_newest: list[OutboxRegel] = Field(description="The newest held messages (at most 5).")


class AuditRegel(BaseModel):
    at: dt.datetime
    actor: str = Field(
        description="Who: urn:nld:oin:<OIN> of the caller's certificate, or a system of the hub."
    )
    actie: str
    casus_id: str | None
    organisatie: str | None = Field(
        default=None,
        description="The organisation whose certificate (OIN) the actor is, when the hub knows "
        "it; null for a system or an unknown OIN. Not the casus's indiener_oin.",
    )


class DeadLetterTelling(BaseModel):
    last_hour: int
    total: int


class Contactpunt(BaseModel):
    """An agency of ``per_uitvoerder`` and whom the hub escalates to there."""

    uitvoerder: str = Field(description="The agency's code.")
    contact: ContactView | None = Field(
        description="Its maatwerkfunctionaris in the Landelijk Maatwerkregister; null: none."
    )
    contact_ontbreekt: bool = Field(
        description="True: no contact registered, so a late answer is escalated to nobody named."
    )
    geescaleerd: int = Field(
        description="Its requests escalated (unanswered past the deadline) and still unanswered."
    )


class WachtendeOverbruggingView(BaseModel):
    overbrugging_id: str
    casus_id: str
    aangevraagd_op: dt.datetime
    wacht_seconden: int = Field(description="How long it has waited for the decision so far.")


class OverbruggingenStand(BaseModel):
    """Bridgings waiting for the loket's decision, which it takes as soon as possible."""

    onbeslist: int = Field(description="Requests not decided yet.")
    urgent_onbeslist: int = Field(description="Of those, the urgent ones.")
    urgent: list[WachtendeOverbruggingView] = Field(
        description="The urgent undecided requests, longest waiting first."
    )


class Overzicht(BaseModel):
    """How the message flow is, across all casussen."""

    at: dt.datetime = Field(description="When these counts were taken (the hub's clock).")
    opschortingen: OpschortingenTelling
    verzoeken: VerzoekenTelling
    per_uitvoerder: list[UitvoerderTelling] = Field(
        description="Per connected agency, or agency with requests, by code."
    )
    outbox: OutboxStand
    recente_audit: list[AuditRegel] = Field(
        description="The 20 newest audit entries across all casussen, newest first."
    )
    dead_letters: DeadLetterTelling
    contactpunten: list[Contactpunt] = Field(
        default_factory=list,
        description="Per agency of per_uitvoerder: its registered contact, or flagged without.",
    )
    zonder_contact: list[str] = Field(
        default_factory=list,
        description="The agencies of per_uitvoerder without a contact in the register.",
    )
    overbruggingen: OverbruggingenStand

    @classmethod
    def of(cls, o: Overview) -> Overzicht:
        return cls(
            at=o.at,
            opschortingen=OpschortingenTelling(**o.orders),
            verzoeken=VerzoekenTelling(**o.links),
            per_uitvoerder=[
                UitvoerderTelling(uitvoerder=a.uitvoerder, naam=_naam(a.uitvoerder), **a.counts)
                for a in o.agencies
            ],
            outbox=OutboxStand(
                unsent=o.outbox_unsent,
                oldest_unsent_age_seconds=o.outbox_oldest_age_seconds,
                dead=o.outbox_dead,
                dead_newest=[OutboxRegel.of(e) for e in o.outbox_dead_newest],
                held=o.outbox_held,
                held_newest=[OutboxRegel.of(e) for e in o.outbox_held_newest],
            ),
            recente_audit=[
                AuditRegel(
                    at=e.at,
                    actor=e.actor,
                    actie=e.actie,
                    casus_id=e.casus_id,
                    organisatie=e.organisatie,
                )
                for e in o.audit
            ],
            dead_letters=DeadLetterTelling(
                last_hour=o.dead_letters_last_hour, total=o.dead_letters_total
            ),
            contactpunten=[
                Contactpunt(
                    uitvoerder=c.uitvoerder,
                    contact=ContactView.of(c.contact),
                    contact_ontbreekt=c.contact is None,
                    geescaleerd=c.geescaleerd,
                )
                for c in o.contactpunten
            ],
            zonder_contact=[c.uitvoerder for c in o.contactpunten if c.contact is None],
            overbruggingen=OverbruggingenStand(
                onbeslist=o.overbruggingen_onbeslist,
                urgent_onbeslist=len(o.overbruggingen_urgent),
                urgent=[
                    WachtendeOverbruggingView(
                        overbrugging_id=w.overbrugging_id,
                        casus_id=w.casus_id,
                        aangevraagd_op=w.aangevraagd_op,
                        wacht_seconden=round(w.wacht_seconden),
                    )
                    for w in o.overbruggingen_urgent
                ],
            ),
        )
