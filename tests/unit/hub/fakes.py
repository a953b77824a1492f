"""A unit of work in memory, for service-layer tests without FastAPI or a database.

It commits like the SQL one (``hub.service.unit_of_work.UnitOfWork.commit``: domain events through
the real message bus first, with the translations ``hub.bootstrap`` wires), and keeps what a test
wants to see: the messages queued for the outbox (``published``), the audit entries, and whether
it committed. A rollback (leaving the
``async with`` without commit) throws away what was written in it.

Each instrument adds its fake repository here, with the same methods as its SQL repository.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.adapters.secrets import AgencyKeys, HubSecrets
from hub.bootstrap import ANTWOORD_ROUTES, VERTALINGEN
from hub.domain.auditketen import GENESIS, canonieke_details, entry_hash
from hub.domain.casus import Casus, Lid
from hub.domain.opschorting import NL
from hub.domain.register import Contact, Registerfilter, Registratie
from hub.domain.selectie import CasusFilter, CasusSortering, Pagina
from hub.service import berichten
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from hub.settings import Settings
from schemas import CloudEvent
from schemas.casus import Urgentie


class Klok:
    """A clock a test moves by hand."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now or dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def verzet(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def vandaag(self) -> dt.date:
        """Today by this clock in the Netherlands, the calendar the hub keeps: a test dates what it
        sends the hub by the clock it gives the hub, never by the machine's own today."""
        return self.now.astimezone(NL).date()


@dataclass
class AuditEntry:
    at: dt.datetime
    actor: str
    actie: str
    casus_id: str | None
    details: dict[str, Any]
    sequence: int = 0
    previous_hash: str = GENESIS
    hash: str = ""


@dataclass
class Store:
    """What survives between units of work: the committed state."""

    published: list[tuple[str, CloudEvent[Any]]] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    processed: dict[str, str] = field(default_factory=dict)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each fake repository keeps its rows under its own name."""
    commits: int = 0


class FakeAudit:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def record(
        self, *, actor: str, actie: str, casus_id: str | None, details: dict[str, Any]
    ) -> None:
        """Chained at once (one writer in memory: nothing to lock), with the real hash."""
        trail = self._uow.work.audit
        entry = AuditEntry(
            self._uow.clock(), actor, actie, casus_id, canonieke_details(details), len(trail) + 1
        )
        entry.previous_hash = trail[-1].hash if trail else GENESIS
        entry.hash = entry_hash(
            sequence=entry.sequence,
            at=entry.at,
            actor=actor,
            actie=actie,
            casus_id=casus_id,
            details=entry.details,
            previous_hash=entry.previous_hash,
        )
        trail.append(entry)

    async def for_casus(self, casus_id: str) -> list[AuditEntry]:
        return [entry for entry in self._uow.work.audit if entry.casus_id == casus_id]


class FakeProcessed:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def seen(self, event_id: str) -> bool:
        return event_id in self._uow.work.processed

    async def seen_of(self, event_ids: Any) -> set[str]:
        return {i for i in event_ids if i in self._uow.work.processed}

    def mark(self, event_id: str, event_type: str) -> None:
        self._uow.work.processed[event_id] = event_type


class FakeUnitOfWork(UnitOfWork):
    """Copies the committed store on begin; commit makes the copy the store."""

    def __init__(self, store: Store, deps: Deps) -> None:
        super().__init__(bus=berichten.bus(deps, VERTALINGEN), clock=deps.clock)
        self.store = store
        self.work = store

    async def _begin(self) -> None:
        self.work = copy.deepcopy(self.store)
        self.audit = FakeAudit(self)  # type: ignore[assignment]
        self.processed = FakeProcessed(self)  # type: ignore[assignment]
        for name, factory in REPOSITORIES.items():
            setattr(self, name, factory(self))

    async def _end(self) -> None:
        self.work = self.store

    def publish(self, event: CloudEvent[Any], topic: str) -> None:
        self.work.published.append((topic, event))

    async def _commit(self) -> None:
        self.work.commits += 1
        self.store.__dict__.update(copy.deepcopy(self.work).__dict__)


REPOSITORIES: dict[str, Any] = {}
"""Attribute name on the unit of work -> factory of its fake repository (given the fake unit of
work). Filled by the instruments' fakes below."""


class FakeCasusRepository:
    """``hub.adapters.casus_repository.CasusRepository`` in memory: casussen by id, in the unit
    of work's copy of the store (so a rollback forgets them). Filters, sorts and pages like the
    SQL one; the store tests check the SQL one against the same cases."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[str, Casus]:
        rows: dict[str, Casus] = self._uow.work.tables.setdefault("casussen", {})
        return rows

    async def add(self, casus: Casus) -> None:
        self._rows[casus.casus_id] = casus
        self._uow.zie(casus)

    async def get(self, casus_id: str, *, for_update: bool = False) -> Casus | None:
        casus = self._rows.get(casus_id)
        if casus is not None:
            self._uow.zie(casus)
        return casus

    async def save(self, casus: Casus) -> None:
        self._rows[casus.casus_id] = casus

    async def leden(self, casus_id: str) -> list[Lid]:
        casus = self._rows.get(casus_id)
        return list(casus.leden) if casus is not None else []

    async def woongemeente(self, casus_id: str) -> str | None:
        casus = self._rows.get(casus_id)
        return casus.woongemeente if casus is not None else None

    async def casus_ids_van(self, zoeksleutel: str) -> list[str]:
        return sorted(
            casus_id
            for casus_id, casus in self._rows.items()
            if any(lid.bsn_zoeksleutel == zoeksleutel for lid in casus.leden)
        )

    async def list(
        self, filters: CasusFilter, sort: CasusSortering, page: Pagina
    ) -> tuple[list[Casus], int]:
        def past(c: Casus) -> bool:
            return (
                (not filters.statussen or c.status in filters.statussen)
                and (not filters.urgenties or c.urgentie in filters.urgenties)
                and (
                    not filters.organisaties
                    or any(o in filters.organisaties for o in c.betrokken_organisaties)
                )
                and (filters.vanaf is None or c.ingediend_op >= filters.vanaf)
                and (filters.tot is None or c.ingediend_op < filters.tot)
            )

        ernst = {u: rank for rank, u in enumerate(Urgentie)}
        gevonden = [c for c in self._rows.values() if past(c)]
        if sort is CasusSortering.INGEDIEND_OP_AFLOPEND:
            gevonden.sort(key=lambda c: (c.ingediend_op, c.casus_id), reverse=True)
        else:
            gevonden.sort(key=lambda c: (c.ingediend_op, c.casus_id))
            if sort is CasusSortering.URGENTIE:
                gevonden.sort(key=lambda c: ernst[c.urgentie])
            elif sort is CasusSortering.URGENTIE_AFLOPEND:
                gevonden.sort(key=lambda c: ernst[c.urgentie], reverse=True)
        return gevonden[page.offset : page.offset + page.grootte], len(gevonden)


REPOSITORIES["casussen"] = FakeCasusRepository


def fake_deps(tmp_path: Path, klok: Klok, agencies: tuple[str, ...] = ()) -> Deps:
    """Real secrets and agency keys in ``tmp_path`` (the keys of ``agencies`` are created)."""
    from schemas.versleuteling import generate_private_key, public_key_pem

    keys_dir = tmp_path / "keys"
    keys_dir.mkdir(exist_ok=True)
    for agency in agencies:
        key = generate_private_key()
        (keys_dir / f"{agency}.pub").write_bytes(public_key_pem(key.public_key()))
    settings = Settings(keys_dir=keys_dir, database_url="sqlite+aiosqlite:///:unused:")
    return Deps(
        settings=settings,
        secrets=HubSecrets.load(keys_dir),
        keys=AgencyKeys(keys_dir),
        antwoorden=ANTWOORD_ROUTES,
        clock=klok,
    )


def _bewaar(aggregaat: Any) -> Any:
    """A stored copy: what a repository keeps, without the events (they belong to the unit of
    work that recorded them)."""
    kopie = copy.deepcopy(aggregaat)
    kopie.gebeurtenissen = []
    return kopie


class FakeOpschortingRepository:
    """Time-outs kept whole; ``get`` hands out a copy, so a change counts only once saved."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Any] = uow.work.tables.setdefault("opschortingen", {})

    async def add(self, opschorting: Any) -> None:
        self._rows[opschorting.opschorting_id] = _bewaar(opschorting)
        self._uow.zie(opschorting)

    async def get(self, opschorting_id: str, *, for_update: bool = False) -> Any:
        stored = self._rows.get(opschorting_id)
        if stored is None:
            return None
        opschorting = copy.deepcopy(stored)
        self._uow.zie(opschorting)
        return opschorting

    async def save(self, opschorting: Any) -> None:
        self._rows[opschorting.opschorting_id] = _bewaar(opschorting)

    async def save_antwoord(self, opschorting: Any, verzoek: Any) -> None:
        self._rows[opschorting.opschorting_id] = _bewaar(opschorting)

    async def lopend_tot_voor(self, dag: dt.date) -> list[str]:
        return [i for i, o in self._rows.items() if o.lopend and o.einddatum < dag]

    async def for_casus(self, casus_id: str) -> list[str]:
        return [i for i, o in self._rows.items() if o.casus_id == casus_id]

    async def met_late_schakels(self, nu: dt.datetime) -> list[str]:
        return sorted(
            i
            for i, o in self._rows.items()
            if any(v.is_late(nu) and v.geescaleerd_op is None for v in o.verzoeken())
        )

    async def eindigend_ongewaarschuwd(self, tot: dt.date) -> list[str]:
        return [
            i
            for i, o in sorted(self._rows.items(), key=lambda r: (r[1].einddatum, r[0]))
            if o.lopend and o.einddatum <= tot and o.einde_gewaarschuwd_voor != o.einddatum
        ]


class FakeVerzoekRepository:
    """The requests, read from the stored time-outs and information requests (one table in SQL,
    derived here)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._opschortingen: dict[str, Any] = uow.work.tables.setdefault("opschortingen", {})
        self._informatie: dict[str, Any] = uow.work.tables.setdefault("informatieverzoeken", {})
        self._los: dict[str, Any] = uow.work.tables.setdefault("losse_verzoeken", {})
        """Requests no aggregate holds (invitations, repayment requests: hub.service.deelname)."""

    def _alle(self) -> list[Any]:
        return [
            *(v for o in self._opschortingen.values() for v in o.verzoeken()),
            *(v for i in self._informatie.values() for v in i.keten),
            *self._los.values(),
        ]

    def add(self, verzoeken: Any) -> None:
        for v in verzoeken:
            if v.instructie_id in self._los:
                raise LookupError(f"request {v.instructie_id} exists")
            self._los[v.instructie_id] = copy.deepcopy(v)

    async def van_instrument(self, instrument_id: str) -> list[Any]:
        return [copy.deepcopy(v) for v in self._alle() if v.instrument_id == instrument_id]

    async def sleutel(self, instructie_id: str) -> Any:
        from hub.adapters.verzoek_repository import VerzoekSleutel

        for v in self._alle():
            if v.instructie_id == instructie_id:
                return VerzoekSleutel(
                    v.instructie_id, v.soort, v.instrument_id, v.casus_id, v.uitvoerder
                )
        return None

    async def sleutels(self, instructie_ids: Any) -> dict[str, Any]:
        gevonden = {i: await self.sleutel(i) for i in set(instructie_ids)}
        return {i: s for i, s in gevonden.items() if s is not None}

    async def van_casus(self, casus_id: str, statussen: Any) -> list[Any]:
        return [
            copy.deepcopy(v)
            for v in self._alle()
            if v.casus_id == casus_id and v.status in statussen
        ]

    async def get(self, instructie_id: str, *, for_update: bool = False) -> Any:
        for v in self._alle():
            if v.instructie_id == instructie_id:
                return copy.deepcopy(v)
        return None

    async def geescaleerd_per_uitvoerder(self) -> dict[str, int]:
        from hub.domain.verzoek import ONBEANTWOORD

        counts: dict[str, int] = {}
        for v in self._alle():
            if v.geescaleerd_op is not None and v.status in ONBEANTWOORD:
                counts[v.uitvoerder] = counts.get(v.uitvoerder, 0) + 1
        return counts

    async def save(self, verzoek: Any) -> None:
        if verzoek.instructie_id in self._los:
            self._los[verzoek.instructie_id] = copy.deepcopy(verzoek)
            return
        for opschorting in self._opschortingen.values():
            for keten in (opschorting.keten, *(w.keten for w in opschorting.wijzigingen)):
                for index, v in enumerate(keten):
                    if v.instructie_id == verzoek.instructie_id:
                        keten[index] = copy.deepcopy(verzoek)
                        return
        for informatieverzoek in self._informatie.values():
            for index, v in enumerate(informatieverzoek.keten):
                if v.instructie_id == verzoek.instructie_id:
                    informatieverzoek.keten[index] = copy.deepcopy(verzoek)
                    return
        raise LookupError(verzoek.instructie_id)


REPOSITORIES.update(
    opschortingen=FakeOpschortingRepository,
    verzoeken=FakeVerzoekRepository,
)


class FakeVerwerkingRepository:
    """``hub.adapters.verwerking_repository.VerwerkingRepository`` in memory: the processing log,
    and the check's look-up over the fake casussen and time-outs."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Any] = uow.work.tables.setdefault("verwerkingen", {})

    async def add(self, verwerking: Any) -> None:
        self._rows[verwerking.verwerking_id] = verwerking

    async def zoek(
        self,
        pagina: Pagina,
        *,
        pseudoniem: str | None = None,
        bsn_zoeksleutel: str | None = None,
        casus_id: str | None = None,
    ) -> tuple[list[Any], int]:
        found = [
            v
            for v in self._rows.values()
            if (pseudoniem is None or any(p.pseudoniem == pseudoniem for p in v.betrokkenen))
            and (
                bsn_zoeksleutel is None
                or any(p.bsn_zoeksleutel == bsn_zoeksleutel for p in v.betrokkenen)
            )
            and (casus_id is None or v.casus_id == casus_id)
        ]
        found.sort(key=lambda v: (-v.op.timestamp(), v.verwerking_id))
        return found[pagina.offset : pagina.offset + pagina.grootte], len(found)

    async def zoeksleutel_van(self, pseudoniem: str) -> str | None:
        for casus in self._uow.work.tables.get("casussen", {}).values():
            for lid in casus.leden:
                if lid.pseudoniem == pseudoniem and lid.bsn_zoeksleutel is not None:
                    return str(lid.bsn_zoeksleutel)
        return None

    async def lopend_bij(
        self, casus_ids: Any, uitvoerder: str, dag: dt.date, zoeksleutel: str
    ) -> list[Any]:
        from hub.domain.selectie import Lopend
        from hub.domain.verzoek import VerzoekStatus

        casussen = self._uow.work.tables.get("casussen", {})
        found = []
        for o in self._uow.work.tables.get("opschortingen", {}).values():
            if o.casus_id not in casus_ids:
                continue
            leden = getattr(casussen.get(o.casus_id), "leden", ())
            pseudoniemen = {lid.pseudoniem for lid in leden if lid.bsn_zoeksleutel == zoeksleutel}
            for v in o.keten:
                if (
                    v.uitvoerder == uitvoerder
                    and (v.personen_in_scope is None or pseudoniemen & set(v.personen_in_scope))
                    and v.status is not VerzoekStatus.REFUSED
                    and o.verlopen_op is None
                    and o.ingangsdatum <= dag <= o.einddatum
                ):
                    found.append(
                        Lopend(
                            o.ingangsdatum,
                            o.einddatum,
                            o.opgeheven_per,
                            tuple(o.maatregelen),
                            v.vorderingen_in_scope,
                            v.status,
                            v.vorderingen,
                        )
                    )
        return sorted(found, key=lambda t: t.ingangsdatum)


REPOSITORIES["verwerkingen"] = FakeVerwerkingRepository


class FakeInformatieRepository:
    """``hub.adapters.informatie_repository.InformatieRepository`` in memory: information requests
    kept whole; ``get`` hands out a copy, so a change counts only once saved."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Any] = uow.work.tables.setdefault("informatieverzoeken", {})

    async def add(self, verzoek: Any) -> None:
        self._rows[verzoek.informatieverzoek_id] = _bewaar(verzoek)
        self._uow.zie(verzoek)

    async def get(self, informatieverzoek_id: str, *, for_update: bool = False) -> Any:
        stored = self._rows.get(informatieverzoek_id)
        if stored is None:
            return None
        verzoek = copy.deepcopy(stored)
        self._uow.zie(verzoek)
        return verzoek

    async def save_antwoord(self, verzoek: Any, antwoord: Any) -> None:
        self._rows[verzoek.informatieverzoek_id] = _bewaar(verzoek)

    async def van_casus(
        self, casus_id: str, verzoeker: str, pagina: Pagina, *, schuldenoverzicht: bool | None
    ) -> tuple[list[str], int]:
        found = sorted(
            (
                v
                for v in self._rows.values()
                if v.casus_id == casus_id
                and v.verzoeker == verzoeker
                and schuldenoverzicht in (None, v.schuldenoverzicht)
            ),
            key=lambda v: (-v.gevraagd_op.timestamp(), v.informatieverzoek_id),
        )
        ids = [v.informatieverzoek_id for v in found]
        return ids[pagina.offset : pagina.offset + pagina.grootte], len(ids)

    async def wis_inhoud(self, ontvangen_voor: dt.datetime, nu: dt.datetime, limit: int) -> int:
        gewist = 0
        for verzoek in self._rows.values():
            for vraag in verzoek.vragen:
                for gegeven in vraag.gegevens:
                    if gewist < limit and gegeven.inhoud and gegeven.ontvangen_op < ontvangen_voor:
                        gegeven.inhoud, gegeven.verwijderd_op = None, nu
                        gewist += 1
        return gewist


REPOSITORIES["informatieverzoeken"] = FakeInformatieRepository


class FakeRegisterRepository:
    """``hub.adapters.register_repository.RegisterRepository`` in memory: entries by OIN (a
    removed one kept); searched and paged like the SQL one."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Registratie] = uow.work.tables.setdefault("register", {})

    async def get(self, oin: str, *, met_verwijderd: bool = False) -> Registratie | None:
        stored = self._rows.get(oin)
        if stored is None or (stored.verwijderd and not met_verwijderd):
            return None
        registratie = copy.deepcopy(stored)
        self._uow.zie(registratie)
        return registratie

    async def add(self, registratie: Registratie) -> None:
        self._rows[registratie.organisatie_oin] = _bewaar(registratie)
        self._uow.zie(registratie)

    async def save(self, registratie: Registratie) -> None:
        self._rows[registratie.organisatie_oin] = _bewaar(registratie)

    async def contacten(self, oins: Iterable[str]) -> dict[str, Contact]:
        return {
            oin: self._rows[oin].contact
            for oin in set(oins)
            if oin in self._rows and not self._rows[oin].verwijderd
        }

    async def zoek(self, filters: Registerfilter, pagina: Pagina) -> tuple[list[Registratie], int]:
        naam = (filters.naam or "").lower()
        found = sorted(
            (
                r
                for r in self._rows.values()
                if not r.verwijderd
                and (not filters.organisaties or r.organisatie_oin in filters.organisaties)
                and (not filters.soorten or r.gegevens.organisatiesoort in filters.soorten)
                and (not filters.domeinen or set(filters.domeinen) & set(r.gegevens.domeinen))
                and (naam in r.gegevens.organisatie_naam.lower() or naam in r.gegevens.team.lower())
            ),
            key=lambda r: (r.gegevens.organisatie_naam, r.organisatie_oin),
        )
        return found[pagina.offset : pagina.offset + pagina.grootte], len(found)


REPOSITORIES["register"] = FakeRegisterRepository


class FakeEscalatieRepository:
    """``hub.adapters.escalatie_repository.EscalatieRepository`` in memory: escalations kept
    whole; ``get`` hands out a copy, so a change counts only once saved. Knelpunten are asked
    about and counted like the SQL one (the store tests check that one against the same cases)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Any] = uow.work.tables.setdefault("escalaties", {})

    async def add(self, escalatie: Any) -> None:
        self._rows[escalatie.escalatie_id] = _bewaar(escalatie)
        self._uow.zie(escalatie)

    async def get(self, escalatie_id: str, *, for_update: bool = False) -> Any:
        stored = self._rows.get(escalatie_id)
        if stored is None:
            return None
        escalatie = copy.deepcopy(stored)
        self._uow.zie(escalatie)
        return escalatie

    async def save(self, escalatie: Any) -> None:
        self._rows[escalatie.escalatie_id] = _bewaar(escalatie)

    async def van_casus(self, casus_id: str) -> list[str]:
        found = sorted(
            (e for e in self._rows.values() if e.casus_id == casus_id),
            key=lambda e: (e.aangemeld_op, e.escalatie_id),
        )
        return [e.escalatie_id for e in found]

    async def zoek(self, statussen: Any, pagina: Pagina) -> tuple[list[Any], int]:
        found = sorted(
            (e for e in self._rows.values() if not statussen or e.status in statussen),
            key=lambda e: (-e.aangemeld_op.timestamp(), e.escalatie_id),
        )
        return [copy.deepcopy(e) for e in found][
            pagina.offset : pagina.offset + pagina.grootte
        ], len(found)

    def _knelpunten(self, f: Any) -> list[Any]:
        from hub.domain.escalatie import Knelpuntregel

        found = [
            Knelpuntregel(e.escalatie_id, e.casus_id, k)
            for e in self._rows.values()
            for k in e.knelpunten
            if (not f.categorieen or k.categorie in f.categorieen)
            and (
                f.regeling is None
                or (k.regel is not None and k.regel.regeling.lower() == f.regeling.lower())
            )
            and (f.oin is None or any(p.oin == f.oin for p in k.betrokken_partijen))
            and (f.vanaf_maand is None or k.maand >= f.vanaf_maand)
            and (f.tot_en_met_maand is None or k.maand <= f.tot_en_met_maand)
        ]
        found.sort(key=lambda r: (-r.knelpunt.geregistreerd_op.timestamp(), r.knelpunt.knelpunt_id))
        return found

    async def knelpunten(self, f: Any, pagina: Pagina) -> tuple[list[Any], int]:
        found = self._knelpunten(f)
        return found[pagina.offset : pagina.offset + pagina.grootte], len(found)

    async def tel_knelpunten(self, f: Any) -> Any:
        from collections import Counter

        from hub.domain.escalatie import GEEN_REGELING, Knelpunttelling, maanden_van
        from schemas.escalatie import Knelpuntcategorie

        found = [r.knelpunt for r in self._knelpunten(f)]
        categorie = Counter(k.categorie.value for k in found)
        regeling = Counter(k.regel.regeling if k.regel else GEEN_REGELING for k in found)
        maand = Counter(k.maand for k in found)
        return Knelpunttelling(
            totaal=len(found),
            per_categorie={c.value: categorie.get(c.value, 0) for c in Knelpuntcategorie},
            per_regeling=dict(sorted(regeling.items(), key=lambda kv: (-kv[1], kv[0]))),
            per_maand={m: maand.get(m, 0) for m in maanden_van(min(maand), max(maand))}
            if maand
            else {},
        )

    async def tel_achterstallig(self, vandaag: dt.date) -> int:
        return sum(len(e.achterstallig(vandaag)) for e in self._rows.values())


REPOSITORIES["escalaties"] = FakeEscalatieRepository


class FakeAfwijkingRepository:
    """``hub.adapters.afwijking_repository.AfwijkingRepository`` in memory."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Any] = uow.work.tables.setdefault("afwijkingen", {})

    async def add(self, afwijking: Any) -> None:
        self._rows[afwijking.afwijking_id] = _bewaar(afwijking)
        self._uow.zie(afwijking)

    async def get(self, afwijking_id: str) -> Any:
        stored = self._rows.get(afwijking_id)
        return None if stored is None else copy.deepcopy(stored)

    async def van_casus(self, casus_id: str) -> list[Any]:
        found = [a for a in self._rows.values() if a.casus_id == casus_id]
        found.sort(key=lambda a: (a.besluit.vastgelegd_op, a.afwijking_id))
        return [copy.deepcopy(a) for a in found]


REPOSITORIES["afwijkingen"] = FakeAfwijkingRepository


class FakeOverbruggingRepository:
    """``hub.adapters.overbrugging_repository.OverbruggingRepository`` in memory: bridgings kept
    whole; ``get`` hands out a copy, so a step counts only once saved, and ``save`` refuses a
    copy older than the stored one (``versie``), as the SQL one does."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow
        self._rows: dict[str, Any] = uow.work.tables.setdefault("overbruggingen", {})

    async def add(self, overbrugging: Any) -> None:
        self._rows[overbrugging.overbrugging_id] = _bewaar(overbrugging)
        self._uow.zie(overbrugging)

    async def get(self, overbrugging_id: str, *, for_update: bool = False) -> Any:
        stored = self._rows.get(overbrugging_id)
        if stored is None:
            return None
        overbrugging = copy.deepcopy(stored)
        self._uow.zie(overbrugging)
        return overbrugging

    async def save(self, overbrugging: Any) -> None:
        from hub.domain.overbrugging import GelijktijdigGewijzigd

        if self._rows[overbrugging.overbrugging_id].versie != overbrugging.versie:
            raise GelijktijdigGewijzigd(overbrugging.overbrugging_id)
        overbrugging.versie += 1
        self._rows[overbrugging.overbrugging_id] = _bewaar(overbrugging)

    async def van_casus(self, casus_id: str) -> list[str]:
        found = sorted(
            (o for o in self._rows.values() if o.casus_id == casus_id),
            key=lambda o: (o.aangevraagd_op, o.overbrugging_id),
        )
        return [o.overbrugging_id for o in found]

    async def onbeslist(self) -> list[Any]:
        from hub.domain.overbrugging import OverbruggingStatus

        return sorted(
            (
                copy.deepcopy(o)
                for o in self._rows.values()
                if o.status is OverbruggingStatus.AANGEVRAAGD
            ),
            key=lambda o: (o.aangevraagd_op, o.overbrugging_id),
        )

    async def openstaand(self) -> list[Any]:
        from hub.domain.overbrugging import openstaand_per_verantwoordelijke

        return openstaand_per_verantwoordelijke(list(self._rows.values()))

    async def aan(self, betaler_oin: str) -> list[Any]:
        from hub.domain.overbrugging import Terugvordering

        found = [
            Terugvordering(o.overbrugging_id, o.casus_id, v, o.open_van(v))
            for o in self._rows.values()
            for v in o.verzoeken
            if v.betaler.oin == betaler_oin
        ]
        return sorted(found, key=lambda t: (t.verzoek.uiterlijk, t.verzoek.verzoek_id))

    async def achterstallig(self, vandaag: dt.date) -> list[Any]:
        from hub.domain.overbrugging import Terugvordering

        found = [
            Terugvordering(o.overbrugging_id, o.casus_id, v, open_)
            for o in self._rows.values()
            for v, open_ in o.achterstallig(vandaag)
        ]
        return sorted(found, key=lambda a: (a.verzoek.uiterlijk, a.verzoek.verzoek_id))


REPOSITORIES["overbruggingen"] = FakeOverbruggingRepository
