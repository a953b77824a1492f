"""Tables of the hub's store (SQLAlchemy 2, works on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes on every backend (SQLite drops the zone; we store UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class CasusRow(Base):
    """A casus; what the loket filters on is a column of its own (indexed)."""

    __tablename__ = "casus"

    casus_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    indiener_oin: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    urgentie: Mapped[str] = mapped_column(String(20), index=True)
    ingediend_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    functionaris_naam: Mapped[str] = mapped_column(String(200))
    functionaris_email: Mapped[str] = mapped_column(String(320))
    functionaris_telefoon: Mapped[str | None] = mapped_column(String(40), nullable=True)
    probleemdomeinen: Mapped[list[str]] = mapped_column(JSON)
    geprobeerd: Mapped[str] = mapped_column(Text)
    gevraagde_instrumenten: Mapped[list[str]] = mapped_column(JSON)
    woongemeente: Mapped[str | None] = mapped_column(String(20), nullable=True)
    """OIN of the household's municipality of residence (migration 0027)."""


class CasusOrganisatieRow(Base):
    """An organisation involved in a casus: a row each, so both SQLite and PostgreSQL filter on
    it with a plain index (no JSON operators)."""

    __tablename__ = "casus_organisatie"

    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), primary_key=True)
    uitvoerder: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    positie: Mapped[int] = mapped_column(Integer, doc="Order in which the submitter named it.")


class CasusTransitieRow(Base):
    """One step in the history of a casus (the first is the submission: ``van`` is null)."""

    __tablename__ = "casus_transitie"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    van: Mapped[str | None] = mapped_column(String(20), nullable=True)
    naar: Mapped[str] = mapped_column(String(20))
    op: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    door: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, doc="Reasons, team, ids; never a BSN.")


class CasusTellingRow(Base):
    """How many casussen the store holds: the loket's list gives its total from here when
    nothing is filtered, instead of counting every casus at each call (revision 0028). One row,
    moved in the transaction that adds a casus (casussen are never deleted); a write holds
    the audit chain's head anyway, so this adds no wait of its own."""

    __tablename__ = "casus_telling"
    __table_args__ = (CheckConstraint("id = 1", name="ck_casus_telling_een_rij"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    aantal: Mapped[int] = mapped_column(BigInteger)


def _partial(where: str) -> dict[str, Any]:
    """The dialect options of a partial index: it holds only the rows ``where`` picks, the few
    a frequent question wants among millions (revision 0028)."""
    return {"sqlite_where": text(where), "postgresql_where": text(where)}


class LidRow(Base):
    """A household member of a casus (``hub.domain.casus.Lid``)."""

    __tablename__ = "huishoudlid"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    pseudoniem: Mapped[str] = mapped_column(String(40), index=True, doc="Pseudonym in this casus.")
    rol: Mapped[str] = mapped_column(String(40))
    bsn_opgeslagen: Mapped[str] = mapped_column(Text, doc="BSN encrypted at rest (Fernet).")
    bsn_zoeksleutel: Mapped[str | None] = mapped_column(
        String(64),
        nullable=True,
        index=True,
        doc="The hub's lookup key of the BSN, equal across casussen; never leaves the hub. "
        "Null until the hub fills it at start-up for rows from before revision 0009.",
    )


class OpschortingRow(Base):
    __tablename__ = "opschorting"
    __table_args__ = (
        # The deadline watcher's: running time-outs by their last day (hub.service.signalering).
        Index(
            "ix_opschorting_lopend",
            "einddatum",
            "opschorting_id",
            **_partial("opgeheven_per IS NULL AND verlopen_op IS NULL"),
        ),
    )

    opschorting_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    maatregelen: Mapped[list[str]] = mapped_column(JSON)
    ingangsdatum: Mapped[dt.date] = mapped_column(Date)
    einddatum: Mapped[dt.date] = mapped_column(Date)
    grondslag: Mapped[str] = mapped_column(Text)
    reden: Mapped[str] = mapped_column(Text)
    opgedragen_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(
        String(24), index=True, doc="Chain status of the order (hub.domain.verzoek.keten_status)."
    )
    opgeheven_per: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    verlopen_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The end date the loket and agencies were warned of (hub.domain.signalering), once each.
    einde_gewaarschuwd_voor: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class VerzoekRow(Base):
    """One request from the hub to one agency and its answer, of any instrument
    (``hub.domain.verzoek``): the time-out order, its extension and its lifting are kinds of it.

    ``keten_id`` groups the requests that went out together (a chain); ``instrument_id`` names the
    instrument that owns the request. Unique per chain and agency (one request each), except for an
    information request, which asks each agency once per person."""

    __tablename__ = "verzoek"
    __table_args__ = (
        Index(
            "uq_verzoek_keten",
            "keten_id",
            "uitvoerder",
            unique=True,
            sqlite_where=text("soort <> 'informatie'"),
            postgresql_where=text("soort <> 'informatie'"),
        ),
        # The deadline watcher's: requests not escalated yet, by status and deadline.
        Index(
            "ix_verzoek_te_escaleren",
            "status",
            "reageer_uiterlijk",
            **_partial("geescaleerd_op IS NULL"),
        ),
    )

    instructie_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    soort: Mapped[str] = mapped_column(String(20))
    keten_id: Mapped[str] = mapped_column(String(36), index=True)
    instrument_id: Mapped[str] = mapped_column(String(36), index=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    uitvoerder: Mapped[str] = mapped_column(String(40), index=True)
    reageer_uiterlijk: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    vorderingen_in_scope: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # The household members (pseudonyms) the request names; null: the whole household.
    personen_in_scope: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    referentie: Mapped[str | None] = mapped_column(String(200), nullable=True)
    redencode: Mapped[str | None] = mapped_column(String(60), nullable=True)
    reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    vorderingen: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    beantwoord_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    verwerkt_op: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime(), nullable=True, index=True
    )
    pogingen: Mapped[int] = mapped_column(Integer, default=1)
    # Set while the request is undeliverable (hub.domain.verzoek.MisluktAflevering).
    aflevering_redencode: Mapped[str | None] = mapped_column(String(60), nullable=True)
    aflevering_toelichting: Mapped[str | None] = mapped_column(Text, nullable=True)
    aflevering_definitief: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    aflevering_sinds: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # When it was escalated, late, to the agency's maatwerkfunctionaris (once).
    geescaleerd_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WijzigingRow(Base):
    """An extension or lifting of a time-out."""

    __tablename__ = "opschorting_wijziging"

    wijziging_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    opschorting_id: Mapped[str] = mapped_column(
        ForeignKey("opschorting.opschorting_id"), index=True
    )
    soort: Mapped[str] = mapped_column(String(20))
    reden: Mapped[str] = mapped_column(Text)
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    nieuwe_einddatum: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    opheffingsdatum: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class OutboxRow(Base):
    """A message to publish, written in the same transaction as the state change; the rows are
    also the delivery queue (``hub.adapters.outbox``).

    A row is pending (``sent_at`` and ``dead_at`` empty: published once ``execute_after`` has
    passed), sent, or dead (its attempts ran out, or it can never be published: it waits for an
    operator), or discarded (a dead row an operator gave up on: ``discarded_at``). A dead row
    holds the later rows of its key until it is sent or discarded. ``last_error`` is the error
    of the latest failed attempt.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # Only the few dead / discarded rows: an index of every row's NULL led SQLite to read
        # the whole outbox for ``dead_at IS NULL`` (revision 0028).
        Index("ix_outbox_dead_at", "dead_at", **_partial("dead_at IS NOT NULL")),
        Index("ix_outbox_discarded_at", "discarded_at", **_partial("discarded_at IS NOT NULL")),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    event_type: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    execute_after: Mapped[dt.datetime] = mapped_column(
        UtcDateTime(), doc="The next attempt not before this moment."
    )
    dead_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    traceparent: Mapped[str | None] = mapped_column(
        String(55), nullable=True, doc="W3C trace context of the span that wrote the row."
    )
    discarded_at: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime(), nullable=True, doc="When an operator discarded the dead row."
    )


class ProcessedEventRow(Base):
    """Event ids already handled: the key of idempotent consumption."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class AuditRow(Base):
    """The audit trail: who did what to which casus, and when. No BSNs.

    A hash chain (``hub.domain.auditketen``): ``sequence`` counts from 1 without gaps, ``hash``
    covers the entry and ``previous_hash``, the hash of the entry before."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True, index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    actie: Mapped[str] = mapped_column(String(80))
    casus_id: Mapped[str | None] = mapped_column(String(24), index=True, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHeadRow(Base):
    """The end of the audit chain, one row (``id`` 1): the last entry's sequence and hash.

    Appending locks this row first (an ``UPDATE``), so concurrent transactions append one after
    the other and never both chain onto the same entry; the verification also checks the trail's
    last entry against it, which catches entries removed from or added to the end."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sequence: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyKeyRow(Base):
    """A request made with an ``Idempotency-Key`` header, per caller: the hash of the request
    and, once it was handled, the answer to give again (``hub.entrypoints.idempotentie``).

    ``status`` is empty while the first request is being handled. Purged after
    ``HUB_IDEMPOTENCY_KEY_RETENTION_DAYS``."""

    __tablename__ = "idempotency_key"

    caller: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class DeadLetterRow(Base):
    """A record read from the dead-letter topic: its headers and a digest, never its value.

    Unique on where the record came from and where it sits on which dead-letter topic (plus the
    value's digest), so a redelivered record is stored once. An origin the headers do not name is
    stored as ``''`` / ``-1`` (a NULL would escape the unique constraint). ``failed_by`` is the
    writer the dead-letter topic proves (``hub.domain.dead_letter``), never a header's claim.
    """

    __tablename__ = "dead_letter"
    __table_args__ = (
        UniqueConstraint(
            "origin_topic",
            "origin_partition",
            "origin_offset",
            "dlq_topic",
            "dlq_partition",
            "dlq_offset",
            "value_sha256",
            name="uq_dead_letter_record",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin_topic: Mapped[str] = mapped_column(String(249), index=True)
    origin_partition: Mapped[int] = mapped_column(Integer)
    origin_offset: Mapped[int] = mapped_column(BigInteger)
    dlq_topic: Mapped[str] = mapped_column(String(249))
    """The dead-letter topic it was read from: one per producer, so it proves the writer."""
    dlq_partition: Mapped[int] = mapped_column(Integer)
    dlq_offset: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    redencode: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    consumer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    dead_lettered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    event_type: Mapped[str | None] = mapped_column(String(200), nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    value_size: Mapped[int] = mapped_column(Integer)
    value_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    replayed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    """When an operator last replayed it to its origin topic (``hub.service.replay``)."""
    replayed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    replay_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class VerwerkingRow(Base):
    """The processing log (``hub.domain.verwerking``): one row per exchange of personal data."""

    __tablename__ = "verwerking"

    verwerking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    vrager: Mapped[str] = mapped_column(String(40), doc="OIN of the party that asked.")
    verstrekker: Mapped[str] = mapped_column(String(40), doc="OIN of the party that gave.")
    ontvanger: Mapped[str] = mapped_column(String(40), doc="OIN of the party that received.")
    doel: Mapped[str] = mapped_column(String(80))
    grondslag: Mapped[str] = mapped_column(Text)
    categorieen: Mapped[list[str]] = mapped_column(JSON)
    casus_id: Mapped[str | None] = mapped_column(String(24), index=True, nullable=True)
    uitkomst: Mapped[str | None] = mapped_column(String(40), nullable=True)
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class VerwerkingBetrokkeneRow(Base):
    """A person a processing activity is about: pseudonym and/or lookup key, never a BSN."""

    __tablename__ = "verwerking_betrokkene"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    verwerking_id: Mapped[str] = mapped_column(ForeignKey("verwerking.verwerking_id"), index=True)
    pseudoniem: Mapped[str | None] = mapped_column(String(40), index=True, nullable=True)
    bsn_zoeksleutel: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)


class InformatieverzoekRow(Base):
    """An information request (``hub.domain.informatieverzoek``); its questions are ``verzoek``
    rows (soort ``informatie``) with an ``informatie_vraag`` row each."""

    __tablename__ = "informatieverzoek"

    informatieverzoek_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    verzoeker: Mapped[str] = mapped_column(String(40), doc="Organisation code of the requester.")
    door: Mapped[str] = mapped_column(String(200), doc="The proven actor that asked.")
    doel: Mapped[str] = mapped_column(String(40))
    grondslag: Mapped[dict[str, Any]] = mapped_column(JSON)
    delen: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, doc="Per agency: categories asked, the agreement (kenmerk, versie) relied on."
    )
    personen: Mapped[list[str]] = mapped_column(JSON, doc="Pseudonyms, never a BSN.")
    ontvanger: Mapped[str] = mapped_column(String(20))
    ontvanger_sleutel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    gevraagd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    reageer_uiterlijk: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    schuldenoverzicht: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24), index=True)


class InformatieVraagRow(Base):
    """What one question (one ``verzoek`` row) asks of its agency about one person."""

    __tablename__ = "informatie_vraag"

    instructie_id: Mapped[str] = mapped_column(
        ForeignKey("verzoek.instructie_id"), primary_key=True
    )
    informatieverzoek_id: Mapped[str] = mapped_column(
        ForeignKey("informatieverzoek.informatieverzoek_id"), index=True
    )
    uitvoerder: Mapped[str] = mapped_column(String(40))
    pseudoniem: Mapped[str] = mapped_column(String(40), index=True)
    categorieen: Mapped[list[str]] = mapped_column(JSON)
    niet_verstrekt: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class InformatieGegevenRow(Base):
    """Information of one category about one person as an agency gave it: the content sealed
    for the receiver, deleted (``inhoud`` null, ``verwijderd_op`` set) after the retention."""

    __tablename__ = "informatie_gegeven"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instructie_id: Mapped[str] = mapped_column(
        ForeignKey("informatie_vraag.instructie_id"), index=True
    )
    informatieverzoek_id: Mapped[str] = mapped_column(String(36), index=True)
    categorie: Mapped[str] = mapped_column(String(40))
    pseudoniem: Mapped[str] = mapped_column(String(40))
    peildatum: Mapped[dt.date] = mapped_column(Date)
    inhoud: Mapped[str | None] = mapped_column(Text, nullable=True, doc="Sealed; never clear.")
    ontvangen_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    verwijderd_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class RegistratieRow(Base):
    """An organisation's entry in the Landelijk Maatwerkregister, keyed by its OIN. A removed
    entry keeps its row with ``verwijderd_op`` set."""

    __tablename__ = "register_inschrijving"

    organisatie_oin: Mapped[str] = mapped_column(String(20), primary_key=True)
    organisatie_naam: Mapped[str] = mapped_column(String(200), index=True)
    organisatiesoort: Mapped[str] = mapped_column(String(40), index=True)
    team: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    telefoon: Mapped[str] = mapped_column(String(40))
    mandaat: Mapped[dict[str, Any]] = mapped_column(JSON)
    geregistreerd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    verwijderd_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class RegisterDomeinRow(Base):
    """A domain an organisation helps with: a row each, so the search filters on a plain index."""

    __tablename__ = "register_domein"

    organisatie_oin: Mapped[str] = mapped_column(
        ForeignKey("register_inschrijving.organisatie_oin"), primary_key=True
    )
    domein: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    positie: Mapped[int] = mapped_column(Integer, doc="Order in which the organisation named it.")


class EscalatieRow(Base):
    """An escalation to the LET (``hub.domain.escalatie``): its dossier, invitations, meeting
    and decision as JSON (read whole, never filtered on); its actions and knelpunten in tables
    of their own, which are counted and filtered."""

    __tablename__ = "escalatie"

    escalatie_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    urgentie: Mapped[str] = mapped_column(String(20))
    aangemeld_door: Mapped[str] = mapped_column(String(200))
    aangemeld_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    dossier: Mapped[dict[str, Any]] = mapped_column(JSON, doc="No personal identifiers.")
    uitnodigingen: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    overleg: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    besluit: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class EscalatieActiepuntRow(Base):
    """An action agreed in the LET: owner and deadline; open while ``afgerond_op`` is null."""

    __tablename__ = "escalatie_actiepunt"

    escalatie_id: Mapped[str] = mapped_column(
        ForeignKey("escalatie.escalatie_id"), primary_key=True
    )
    nummer: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    omschrijving: Mapped[str] = mapped_column(Text)
    verantwoordelijke: Mapped[dict[str, Any]] = mapped_column(JSON)
    verantwoordelijke_oin: Mapped[str] = mapped_column(String(20), index=True)
    uiterlijk: Mapped[dt.date] = mapped_column(Date, index=True)
    afgerond_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    toelichting: Mapped[str | None] = mapped_column(Text, nullable=True)


class KnelpuntRow(Base):
    """A knelpunt the LET found; category, law and month are columns so they are counted in
    SQL (``maand``: ``YYYY-MM`` in the Netherlands, fixed when recorded)."""

    __tablename__ = "knelpunt"

    knelpunt_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    escalatie_id: Mapped[str] = mapped_column(ForeignKey("escalatie.escalatie_id"), index=True)
    casus_id: Mapped[str] = mapped_column(String(24), index=True)
    categorie: Mapped[str] = mapped_column(String(24), index=True)
    regeling: Mapped[str | None] = mapped_column(String(200), index=True, nullable=True)
    regel: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    omschrijving: Mapped[str] = mapped_column(Text)
    betrokken_partijen: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    voorstel: Mapped[str | None] = mapped_column(Text, nullable=True)
    geregistreerd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    maand: Mapped[str] = mapped_column(String(7), index=True)


class KnelpuntPartijRow(Base):
    """An organisation a knelpunt concerns, one row each so it is filtered by a plain index."""

    __tablename__ = "knelpunt_partij"

    knelpunt_id: Mapped[str] = mapped_column(ForeignKey("knelpunt.knelpunt_id"), primary_key=True)
    oin: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class AfwijkingRow(Base):
    """A deviation decision on a casus (``hub.domain.afwijking``): recorded once, never changed."""

    __tablename__ = "afwijking"

    afwijking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    regel: Mapped[dict[str, Any]] = mapped_column(JSON)
    afwijking: Mapped[str] = mapped_column(Text)
    motivering: Mapped[str] = mapped_column(Text)
    besloten_door: Mapped[dict[str, Any]] = mapped_column(JSON, doc="OIN, name, kind, role.")
    mandaat: Mapped[str] = mapped_column(Text)
    betrokkenen: Mapped[list[str]] = mapped_column(JSON, doc="Pseudonyms, never a BSN.")
    geldig_van: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    geldig_tot: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    besluitdatum: Mapped[dt.date] = mapped_column(Date)
    knelpunt_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    vastgelegd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    vastgelegd_door: Mapped[str] = mapped_column(String(200), doc="The proven actor.")


# --- Overbrugging (the bridging procedure) ---------------------------------------------------


class OverbruggingRow(Base):
    """A bridging (``hub.domain.overbrugging``); its money is in ``overbrugging_boeking``."""

    __tablename__ = "overbrugging"

    overbrugging_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casus.casus_id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    urgent: Mapped[bool] = mapped_column(Boolean)
    aangevraagd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    besloten_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    zorgvoorziening: Mapped[str] = mapped_column(Text)
    mogelijke_financiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    geraamd_centen: Mapped[int] = mapped_column(BigInteger)
    aanvrager: Mapped[dict[str, Any]] = mapped_column(JSON)
    toekenning: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    afwijzing: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    verantwoordelijke_oin: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    verantwoordelijke: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    versie: Mapped[int] = mapped_column(Integer, doc="Bumped by each stored step.")


class OverbruggingBetalingRow(Base):
    __tablename__ = "overbrugging_betaling"
    __table_args__ = (
        UniqueConstraint("overbrugging_id", "betalingskenmerk", name="uq_overbrugging_betaling"),
        UniqueConstraint("overbrugging_id", "volgnummer", name="uq_overbrugging_betaling_volgorde"),
    )

    betaling_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    overbrugging_id: Mapped[str] = mapped_column(
        ForeignKey("overbrugging.overbrugging_id"), index=True
    )
    volgnummer: Mapped[int] = mapped_column(Integer, doc="Its place among the bridging's payments.")
    centen: Mapped[int] = mapped_column(BigInteger)
    ontvanger: Mapped[str] = mapped_column(String(200))
    betaaldatum: Mapped[dt.date] = mapped_column(Date)
    betalingskenmerk: Mapped[str] = mapped_column(String(100))
    geboekt_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class TerugbetalingsverzoekRow(Base):
    __tablename__ = "overbrugging_terugbetalingsverzoek"
    __table_args__ = (
        UniqueConstraint("overbrugging_id", "volgnummer", name="uq_overbrugging_verzoek_volgorde"),
    )

    verzoek_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    overbrugging_id: Mapped[str] = mapped_column(
        ForeignKey("overbrugging.overbrugging_id"), index=True
    )
    volgnummer: Mapped[int] = mapped_column(Integer)
    betaler_oin: Mapped[str] = mapped_column(String(20), index=True)
    betaler: Mapped[dict[str, Any]] = mapped_column(JSON)
    centen: Mapped[int] = mapped_column(BigInteger)
    uiterlijk: Mapped[dt.date] = mapped_column(Date, index=True)
    betalingskenmerk: Mapped[str] = mapped_column(String(100))
    gevraagd_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class TerugbetalingRow(Base):
    __tablename__ = "overbrugging_terugbetaling"
    __table_args__ = (
        UniqueConstraint(
            "overbrugging_id", "volgnummer", name="uq_overbrugging_terugbetaling_volgorde"
        ),
    )

    terugbetaling_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    verzoek_id: Mapped[str] = mapped_column(
        ForeignKey("overbrugging_terugbetalingsverzoek.verzoek_id"), index=True
    )
    overbrugging_id: Mapped[str] = mapped_column(
        ForeignKey("overbrugging.overbrugging_id"), index=True
    )
    volgnummer: Mapped[int] = mapped_column(Integer)
    centen: Mapped[int] = mapped_column(BigInteger)
    ontvangstdatum: Mapped[dt.date] = mapped_column(Date)
    geboekt_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class BoekingRow(Base):
    """One booking of a bridging's ledger: an amount on a debit and a credit account. The store
    refuses what the ledger never writes (a zero or negative amount, one account on both sides)."""

    __tablename__ = "overbrugging_boeking"
    __table_args__ = (
        UniqueConstraint("overbrugging_id", "volgnummer", name="uq_overbrugging_boeking"),
        CheckConstraint("centen > 0", name="ck_overbrugging_boeking_positief"),
        CheckConstraint("debet <> credit", name="ck_overbrugging_boeking_twee_rekeningen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    overbrugging_id: Mapped[str] = mapped_column(
        ForeignKey("overbrugging.overbrugging_id"), index=True
    )
    volgnummer: Mapped[int] = mapped_column(Integer)
    debet: Mapped[str] = mapped_column(String(40), index=True)
    credit: Mapped[str] = mapped_column(String(40), index=True)
    centen: Mapped[int] = mapped_column(BigInteger)
    referentie: Mapped[str] = mapped_column(String(64))
    geboekt_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class LagSampleRow(Base):
    """A consumer group's lag (records not yet consumed, over all its partitions) at one minute:
    the dashboard's lag over time (``hub.adapters.lag_samples``). One row per group and minute,
    whichever hub wrote it first; kept for :data:`hub.adapters.lag_samples.RETENTION`."""

    __tablename__ = "consumer_lag_sample"
    __table_args__ = (UniqueConstraint("groep", "minuut", name="uq_consumer_lag_sample"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    groep: Mapped[str] = mapped_column(String(200))
    minuut: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    achterstand: Mapped[int] = mapped_column(BigInteger)


class AbonnementRow(Base):
    """A party's subscription to the messages addressed to it, over HTTPS (``hub.adapters.
    aflevering``): pushed to its endpoint (``https-push``) or pulled by it (``http-pull``). The
    signing secret and the bearer token are kept encrypted under the storage key. An ended
    subscription (``beeindigd_op``: deleted by its party, or the receiver answered 410) gets no
    new messages; its row stays, so operators see why it ended."""

    __tablename__ = "abonnement"

    abonnement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    oin: Mapped[str] = mapped_column(String(20), index=True)
    protocol: Mapped[str] = mapped_column(String(20))
    types: Mapped[list[str]] = mapped_column(JSON)
    endpoint: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    geheim: Mapped[str] = mapped_column(Text, doc="The signing secret, encrypted.")
    token: Mapped[str | None] = mapped_column(Text, nullable=True, doc="Bearer token, encrypted.")
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    beeindigd_op: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    reden: Mapped[str | None] = mapped_column(String(200), nullable=True)
    bevestigd_tot: Mapped[int] = mapped_column(
        Integer, default=0, doc="The last feed position the party acknowledged (pull)."
    )
    wacht_tot: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime(), nullable=True, doc="No push before this moment (the receiver's 429)."
    )


class AfleveringRow(Base):
    """One message for one subscription: its feed entry (pull: the position is ``seq``) and its
    delivery queue row (push: attempts, next attempt, delivered or dead), written in the same
    transaction as the outbox row of the message."""

    __tablename__ = "aflevering"
    __table_args__ = (UniqueConstraint("abonnement_id", "event_id", name="uq_aflevering_event"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    abonnement_id: Mapped[str] = mapped_column(ForeignKey("abonnement.abonnement_id"), index=True)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    execute_after: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    afgeleverd_op: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime(), nullable=True, index=True
    )
    dead_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
