"""The repositories as the service layer sees them: what a handler may ask of the store.

The service layer owns these interfaces (and the unit of work that holds them,
``hub.service.unit_of_work``); the adapters implement them (``hub.adapters.*_repository``,
``hub.adapters.repository``, ...) without importing them: a :class:`typing.Protocol` is satisfied
by shape, and mypy checks each SQL repository against its protocol where the SQL unit of work
binds it (``hub.service.sql_unit_of_work``). So the adapters never import the service layer, and
a handler never depends on SQL. The in-memory fakes of ``tests/unit/hub/fakes.py`` follow the same
protocols.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from hub.adapters.ops_repository import Antwoord, LagSample, OutboxBacklog, Uitgaand
from hub.adapters.orm import AbonnementRow, AfleveringRow, AuditRow, IdempotencyKeyRow
from hub.adapters.outbox_queries import OutboxEntry, OutboxStatus
from hub.adapters.verzoek_repository import VerzoekSleutel
from hub.domain.afwijking import Afwijking
from hub.domain.auditketen import Schakel
from hub.domain.casus import Casus, Lid
from hub.domain.dead_letter import DeadLetter, RecordedDeadLetter
from hub.domain.escalatie import (
    Escalatie,
    EscalatieStatus,
    KnelpuntFilter,
    Knelpuntregel,
    Knelpunttelling,
)
from hub.domain.informatieverzoek import Informatieverzoek
from hub.domain.opschorting import Opschorting
from hub.domain.overbrugging import Openstaand, Overbrugging, Terugvordering
from hub.domain.register import Contact, Registerfilter, Registratie
from hub.domain.selectie import CasusFilter, CasusSortering, DeadLetterFilter, Lopend, Pagina
from hub.domain.verwerking import Verwerking
from hub.domain.verzoek import KetenStatus, Verzoek, VerzoekStatus


class CasusRepository(Protocol):
    """Implemented by ``hub.adapters.casus_repository.CasusRepository``."""

    async def add(self, casus: Casus) -> None: ...

    async def get(self, casus_id: str, *, for_update: bool = False) -> Casus | None:
        """The casus, or None. ``for_update`` locks its row (PostgreSQL) so two transitions of
        one casus cannot both start from the same status."""

    async def save(self, casus: Casus) -> None:
        """Store what a transition changed: the status and the new steps of the history."""

    async def leden(self, casus_id: str) -> builtins.list[Lid]: ...

    async def woongemeente(self, casus_id: str) -> str | None:
        """The casus's municipality of residence (None: none given, or no such casus): one
        column, where reading the whole casus took four statements."""

    async def casus_ids_van(self, zoeksleutel: str) -> builtins.list[str]:
        """The casussen with a household member of this lookup key (``HubSecrets.zoeksleutel``),
        in order of id: how the hub finds one person's casussen. For the hub's own use only."""

    async def leden_zonder_zoeksleutel(
        self, *, na: int, limit: int
    ) -> builtins.list[tuple[int, str]]:
        """(row id, stored BSN) of up to ``limit`` members without a lookup key whose row id is
        above ``na``, by row id: the rows from before revision 0009, to fill."""

    async def zet_zoeksleutel(self, lid_id: int, zoeksleutel: str) -> None: ...

    async def list(
        self, filters: CasusFilter, sort: CasusSortering, page: Pagina
    ) -> tuple[builtins.list[Casus], int]:
        """One page of the casussen that pass ``filters``, in ``sort`` order, and how many pass
        in all."""


class OpschortingRepository(Protocol):
    """Implemented by ``hub.adapters.opschorting_repository.OpschortingRepository``."""

    async def add(self, opschorting: Opschorting) -> None: ...

    async def get(self, opschorting_id: str, *, for_update: bool = False) -> Opschorting | None: ...

    async def save(self, opschorting: Opschorting) -> None:
        """Store a change or an expiry: the order's end, lifting and expiry, and new changes with
        their requests. Requests already stored change only through :meth:`save_antwoord`."""

    async def save_antwoord(self, opschorting: Opschorting, verzoek: Verzoek) -> None:
        """Store one answered request, and the order's chain status as the stored requests give
        it (read after the write, so concurrent answers to one order all count, on SQLite too)."""

    async def lopend_tot_voor(self, dag: dt.date) -> list[str]:
        """Ids of time-outs neither lifted nor expired whose last day lies before ``dag``."""

    async def for_casus(self, casus_id: str) -> list[str]: ...

    async def met_late_schakels(self, nu: dt.datetime) -> list[str]:
        """Ids of time-outs with a request (of the order or a change) unanswered past its
        deadline at ``nu`` and not escalated yet."""

    async def eindigend_ongewaarschuwd(self, tot: dt.date) -> list[str]:
        """Ids of running time-outs whose last day lies on or before ``tot`` and whose end
        date was not warned of yet."""

    async def per_status(self) -> dict[KetenStatus, int]:
        """Time-out orders by the chain status stored with each (set by the one rule,
        ``hub.domain.verzoek.keten_status``, whenever an answer is recorded)."""


class VerzoekRepository(Protocol):
    """Implemented by ``hub.adapters.verzoek_repository.VerzoekRepository``."""

    def add(self, verzoeken: Iterable[Verzoek]) -> None: ...

    async def save(self, verzoek: Verzoek) -> None: ...

    async def get(self, instructie_id: str, *, for_update: bool = False) -> Verzoek | None:
        """One request by its instruction's event id."""

    async def sleutel(self, instructie_id: str) -> VerzoekSleutel | None: ...

    async def sleutels(self, instructie_ids: Iterable[str]) -> dict[str, VerzoekSleutel]:
        """:meth:`sleutel` of many requests at once; a request not stored is left out."""

    async def van_instrument(self, instrument_id: str) -> list[Verzoek]:
        """Every request of one instrument, by agency."""

    async def van_casus(self, casus_id: str, statussen: Sequence[VerzoekStatus]) -> list[Verzoek]:
        """A casus's requests with one of ``statussen``, soonest deadline first."""

    async def van_uitvoerder(
        self, uitvoerder: str, statussen: Sequence[VerzoekStatus], pagina: Pagina
    ) -> tuple[list[Verzoek], int]:
        """One agency's requests with one of ``statussen``, soonest deadline first, one page;
        and how many there are over all pages."""

    async def statussen(self, keten_id: str) -> list[VerzoekStatus]:
        """The stored statuses of one chain's requests."""

    async def geescaleerd_per_uitvoerder(self) -> dict[str, int]:
        """Per agency: its requests escalated, late, to its maatwerkfunctionaris and still
        unanswered."""

    async def telling_per_uitvoerder(self, now: dt.datetime) -> dict[str, dict[str, int]]:
        """Per agency: requests by status, and ``late`` ones (:func:`is_laat`: unanswered, that is
        pending or undeliverable, past the deadline), of every kind: an unanswered extension is as
        much a pending instruction as an unanswered order."""


class ProcessedEvents(Protocol):
    """Implemented by ``hub.adapters.repository.ProcessedEvents``."""

    async def seen(self, event_id: str) -> bool: ...

    async def seen_of(self, event_ids: Iterable[str]) -> set[str]:
        """Which of ``event_ids`` were handled: :meth:`seen` of many at once."""

    def mark(self, event_id: str, event_type: str) -> None: ...


class AuditTrail(Protocol):
    """Implemented by ``hub.adapters.repository.AuditTrail``."""

    def record(
        self, *, actor: str, actie: str, casus_id: str | None, details: dict[str, Any]
    ) -> None: ...

    async def for_casus(self, casus_id: str) -> list[AuditRow]: ...

    async def page(self, after_sequence: int | None, limit: int) -> list[Schakel]:
        """Entries after ``after_sequence`` (from the very first when ``None``: a forged entry
        numbered 0 or below is read too), in order, at most ``limit``. Keyset paging, so a
        verification of a large trail reads it in slices without an open cursor."""

    async def head(self) -> tuple[int, str]:
        """The chain head: the last entry's sequence and hash (0 and the genesis hash when the
        trail is empty)."""


class DeadLetterRepository(Protocol):
    """Implemented by ``hub.adapters.ops_repository.DeadLetterRepository``."""

    async def add(self, letter: DeadLetter, received_at: dt.datetime) -> bool:
        """Store the letter unless it is there already; returns whether it was new."""

    async def newest(self, limit: int) -> list[RecordedDeadLetter]: ...

    async def count(self, *, since: dt.datetime | None = None) -> int: ...

    async def get(self, letter_id: int) -> RecordedDeadLetter | None: ...

    async def search(self, criteria: DeadLetterFilter, page: Pagina) -> list[RecordedDeadLetter]:
        """One page of the letters that pass, newest first (the id breaks ties)."""

    async def count_matching(self, criteria: DeadLetterFilter) -> int: ...

    async def ids_matching(self, criteria: DeadLetterFilter, limit: int) -> list[int]:
        """The ids of the letters that pass, oldest first: the order a replay goes in."""

    async def mark_replayed(self, letter_id: int, *, at: dt.datetime, by: str) -> None:
        """Record a replay: when, by whom, one more."""


class OverviewQueries(Protocol):
    """Implemented by ``hub.adapters.ops_repository.OverviewQueries``."""

    async def outbox_backlog(self) -> OutboxBacklog: ...

    async def recent_audit(self, limit: int) -> list[AuditRow]:
        """The newest audit entries across all casussen, newest first."""

    # The dashboard's series (hub.service.ops_reeksen): what happened from ``since`` on.
    async def uitgaand_sinds(self, since: dt.datetime) -> list[Uitgaand]: ...

    async def antwoorden_sinds(self, since: dt.datetime) -> list[Antwoord]: ...

    async def dead_letters_sinds(
        self, since: dt.datetime
    ) -> list[tuple[dt.datetime, str | None]]: ...

    async def lag_sinds(self, since: dt.datetime) -> list[LagSample]: ...


class OutboxQueries(Protocol):
    """Implemented by ``hub.adapters.outbox_queries.OutboxQueries``."""

    async def page(
        self, status: OutboxStatus, *, limit: int, before: int | None = None
    ) -> list[OutboxEntry]:
        """Rows of one status, newest first; ``before`` (a ``seq``) continues a previous page."""

    async def get(self, seq: int) -> OutboxEntry | None: ...

    async def requeue(self, seq: int, now: dt.datetime) -> bool:
        """Make an unsent row (dead or pending) due now with its attempts reset; False when it
        is unknown or sent meanwhile. The relay is woken on commit."""

    async def held(self, key: str) -> list[OutboxEntry]:
        """The rows of ``key`` held behind a dead one, oldest first."""

    async def discard(self, seq: int, now: dt.datetime) -> bool:
        """Give up on a dead row: it is never published and no longer holds its key; False when
        it is unknown or not dead. The relay is woken on commit."""

    async def count(self, status: OutboxStatus) -> int: ...


class RetentionQueries(Protocol):
    """Implemented by ``hub.adapters.retention.RetentionQueries``."""

    async def delete_sent_outbox(self, sent_before: dt.datetime, limit: int) -> int: ...

    async def delete_processed_events(self, processed_before: dt.datetime, limit: int) -> int: ...

    async def delete_idempotency_keys(self, created_before: dt.datetime, limit: int) -> int: ...


class IdempotencyKeys(Protocol):
    """Implemented by ``hub.adapters.idempotency_repository.IdempotencyKeys``."""

    async def claim(self, caller: str, key: str, request_hash: str, now: dt.datetime) -> bool:
        """Record the key as being handled; ``False`` when the caller used it before (or uses it
        at this moment in another request). One statement that cannot fail on the duplicate
        (``ON CONFLICT DO NOTHING``), so two requests racing for a key never both win."""

    async def get(self, caller: str, key: str) -> IdempotencyKeyRow | None: ...

    async def complete(
        self,
        caller: str,
        key: str,
        request_hash: str,
        claimed_at: dt.datetime,
        status: int,
        content_type: str | None,
        body: bytes,
    ) -> bool:
        """Store the answer on the claim of this request; ``False`` when that claim is gone
        (purged, or taken over after its lease)."""

    async def take_over(
        self,
        caller: str,
        key: str,
        request_hash: str,
        claimed_at: dt.datetime,
        now: dt.datetime,
    ) -> bool:
        """Claim anew a key whose claim of ``claimed_at`` never got an answer; ``False`` when
        another request took it over first (one statement, so only one can)."""

    async def release(self, caller: str, key: str, claimed_at: dt.datetime) -> None:
        """Forget a key whose request failed on the hub's side: the caller may try again. Only
        the claim of ``claimed_at`` without an answer: not one a retry took over since."""


class VerwerkingRepository(Protocol):
    """Implemented by ``hub.adapters.verwerking_repository.VerwerkingRepository``."""

    async def add(self, verwerking: Verwerking) -> None: ...

    async def zoek(
        self,
        pagina: Pagina,
        *,
        pseudoniem: str | None = None,
        bsn_zoeksleutel: str | None = None,
        casus_id: str | None = None,
    ) -> tuple[list[Verwerking], int]:
        """One page of the activities about a person (by pseudonym or lookup key) or on a casus,
        newest first, and how many there are in all."""

    async def zoeksleutel_van(self, pseudoniem: str) -> str | None:
        """The lookup key of the person with this pseudonym (in whichever casus), if known."""

    async def lopend_bij(
        self, casus_ids: Sequence[str], uitvoerder: str, dag: dt.date, zoeksleutel: str
    ) -> list[Lopend]:
        """The time-outs in force on ``dag`` on these casussen (one person's, by its lookup key
        ``zoeksleutel``: ``CasusRepository.casus_ids_van``) whose order went to ``uitvoerder``
        with this person among its persons (the whole household, or the persons in scope) and
        was not refused by it: one query, each step through an index (the casussen's orders, the
        agency's request in each by its chain and agency, the person's membership)."""


class InformatieRepository(Protocol):
    """Implemented by ``hub.adapters.informatie_repository.InformatieRepository``."""

    async def add(self, verzoek: Informatieverzoek) -> None: ...

    async def get(
        self, informatieverzoek_id: str, *, for_update: bool = False
    ) -> Informatieverzoek | None: ...

    async def save_antwoord(self, verzoek: Informatieverzoek, antwoord: Verzoek) -> None:
        """Store one answered question: its request row, what was withheld, the sealed content
        given, and the request's chain status as the stored questions give it."""

    async def van_casus(
        self, casus_id: str, verzoeker: str, pagina: Pagina, *, schuldenoverzicht: bool | None
    ) -> tuple[list[str], int]:
        """Ids of one requester's requests on a casus, newest first, one page; and how many."""

    async def wis_inhoud(self, ontvangen_voor: dt.datetime, nu: dt.datetime, limit: int) -> int:
        """Delete the sealed content received before ``ontvangen_voor`` (at most ``limit``
        items); the fact that it was given stays, with ``verwijderd_op``."""


class RegisterRepository(Protocol):
    """Implemented by ``hub.adapters.register_repository.RegisterRepository``."""

    async def get(self, oin: str, *, met_verwijderd: bool = False) -> Registratie | None:
        """The organisation's entry; None when it has none (or, unless ``met_verwijderd``, when
        it removed it)."""

    async def add(self, registratie: Registratie) -> None: ...

    async def save(self, registratie: Registratie) -> None: ...

    async def contacten(self, oins: Iterable[str]) -> dict[str, Contact]:
        """The registered contact of each of these organisations that has one: an OIN missing
        from the answer has no contact, which the caller shows, never skips."""

    async def zoek(
        self, filters: Registerfilter, pagina: Pagina
    ) -> tuple[builtins.list[Registratie], int]:
        """One page of the current entries that pass ``filters``, by name, and the total."""


class EscalatieRepository(Protocol):
    """Implemented by ``hub.adapters.escalatie_repository.EscalatieRepository``."""

    async def add(self, escalatie: Escalatie) -> None: ...

    async def get(self, escalatie_id: str, *, for_update: bool = False) -> Escalatie | None: ...

    async def save(self, escalatie: Escalatie) -> None:
        """Store a step: status, meeting, decision, and new or changed actions and knelpunten."""

    async def van_casus(self, casus_id: str) -> list[str]:
        """Ids of the casus's escalations, oldest first."""

    async def zoek(
        self, statussen: Sequence[EscalatieStatus], pagina: Pagina
    ) -> tuple[list[Escalatie], int]:
        """One page of the escalations in these statuses (all when none), newest first."""

    async def knelpunten(
        self, filter: KnelpuntFilter, pagina: Pagina
    ) -> tuple[list[Knelpuntregel], int]:
        """One page of the knelpunten that pass the filter, newest first, and how many."""

    async def tel_knelpunten(self, filter: KnelpuntFilter) -> Knelpunttelling:
        """The knelpunten that pass the filter, counted per category, law and month."""

    async def tel_achterstallig(self, vandaag: dt.date) -> int:
        """Open actions whose deadline is before ``vandaag``, over all escalations."""


class AfwijkingRepository(Protocol):
    """Implemented by ``hub.adapters.afwijking_repository.AfwijkingRepository``."""

    async def add(self, afwijking: Afwijking) -> None: ...

    async def get(self, afwijking_id: str) -> Afwijking | None: ...

    async def van_casus(self, casus_id: str) -> list[Afwijking]:
        """A casus's deviation decisions, in the order they were recorded."""


class OverbruggingRepository(Protocol):
    """Implemented by ``hub.adapters.overbrugging_repository.OverbruggingRepository``."""

    async def add(self, overbrugging: Overbrugging) -> None: ...

    async def get(
        self, overbrugging_id: str, *, for_update: bool = False
    ) -> Overbrugging | None: ...

    async def save(self, overbrugging: Overbrugging) -> None:
        """Store a step: the state, and the new payments, bookings, requests and repayments.
        :class:`~hub.domain.overbrugging.GelijktijdigGewijzigd` when another transaction stored
        a step of this bridging since it was read (its ``versie``): nothing is written."""

    async def van_casus(self, casus_id: str) -> list[str]:
        """Ids of the bridgings of a casus, oldest first."""

    async def onbeslist(self) -> list[Overbrugging]:
        """The bridgings waiting for the loket's decision, oldest request first."""

    async def openstaand(self) -> list[Openstaand]:
        """What each responsible party owes over all its bridgings, by OIN."""

    async def aan(self, betaler_oin: str) -> list[Terugvordering]:
        """Every repayment request to this party, by last day (the party's own list)."""

    async def achterstallig(self, vandaag: dt.date) -> list[Terugvordering]:
        """Repayment requests whose last day is before ``vandaag`` with something still open,
        oldest last day first."""


class AbonnementRepository(Protocol):
    """Implemented by ``hub.adapters.aflevering.AbonnementRepository``: subscriptions and their
    feed (HTTPS delivery)."""

    def add(self, row: AbonnementRow) -> None: ...
    async def get(self, abonnement_id: str) -> AbonnementRow | None: ...
    async def van(self, oin: str) -> list[AbonnementRow]: ...
    async def beeindig(self, abonnement_id: str, now: dt.datetime, reden: str) -> bool: ...
    async def feed(self, abonnement_id: str, after: int, limit: int) -> list[AfleveringRow]: ...
    async def bevestig(self, abonnement_id: str, cursor: int, now: dt.datetime) -> int: ...
    async def hoogste(self, abonnement_id: str) -> int: ...
    async def dood(self, limit: int) -> list[tuple[AfleveringRow, AbonnementRow]]: ...
    async def tel_dood(self) -> int: ...
    async def purge(self, before: dt.datetime) -> int: ...
    async def alle(self) -> list[AbonnementRow]: ...
