"""Bulk loader: a hub store filled with ``rows`` time-out orders, as valid as if each had come
through the API, in minutes instead of hours.

    python -m bench.seed --rows 1000000 --database-url URL --keys-dir DIR [--agencies cjib,duo]

How it stays valid without copying the hub's rules: one order goes through the hub's own service
layer first (``dien_casus_in``, ``draag_opschorting_op``: the casus, its household member, its
transition, its organisations, the time-out, a request per agency, the outbox rows, the audit
entries, whatever else an order writes). Every row that order wrote is the template. Each copy
then gets, from the hub's own functions, what is its own: a new casus id (``nieuw_casus_id``), a
BSN of its own (a valid one, the 11-test) with its pseudonym in that casus, its lookup key and its
encryption at rest (``HubSecrets``), the BSN sealed anew for each agency in the instructions
(``AgencyKeys.seal_for``), a fresh uuid for every uuid of the template (ids of the time-out, the
requests, the events), its times a little earlier than the template's; the audit entries are
renumbered after the chain head and hashed with ``hub.domain.auditketen.entry_hash``, and the head
is moved to the last one. No BSN in clear is written anywhere: the template's BSN never occurs in
its rows (the hub wrote them), so a copy has none either.

The outbox rows are written as the relay leaves them once published (``sent_at`` set): the store
is as it would be a while after the orders, not with a backlog to publish on the next start.
Inserts are SQLAlchemy core ``executemany`` in batches, tables in dependency order.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, Table, select, update

from hub.adapters.orm import (
    AuditChainHeadRow,
    AuditRow,
    Base,
    CasusTellingRow,
    LidRow,
    OutboxRow,
)
from hub.bootstrap import Hub, build_hub
from hub.domain.auditketen import entry_hash
from hub.domain.casus import nieuw_casus_id
from hub.service.casus import dien_casus_in
from hub.service.commands import DienCasusIn, DraagOpschortingOp
from hub.service.opschorting import draag_opschorting_op
from hub.settings import Settings
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body

AGENCIES = ("cjib", "duo")
BATCH = 2000
"""Orders per batch (each some ten rows over the tables)."""
STEP = dt.timedelta(milliseconds=10)
"""Copy ``i`` happened ``(i + 1) x STEP`` before the template (a million: under three hours)."""
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TEMPLATE_BSN = "999990019"


def bsns(start: int = 100_000_000) -> Iterator[str]:
    """Valid BSNs (the 11-test) from ``start`` on, endlessly."""
    number = start
    while True:
        digits = [int(c) for c in f"{number:09d}"]
        if (
            sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
        ) % 11 == 0:
            yield f"{number:09d}"
        number += 1


@dataclass(frozen=True)
class Pattern:
    """A template value with its tokens marked: literal parts and token names alternate."""

    parts: tuple[str, ...]
    kind: str
    """``str``, ``bytes`` or ``json``."""

    def fill(self, values: dict[str, str]) -> Any:
        text = "".join(values[p] if i % 2 else p for i, p in enumerate(self.parts))
        if self.kind == "bytes":
            return text.encode()
        return json.loads(text) if self.kind == "json" else text


class Template:
    """The rows one real order wrote, and what in them belongs to that order alone."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], tokens: dict[str, str]) -> None:
        self.tokens = tokens
        """The template's value -> token name (casus id, pseudonym, each uuid, ...)."""
        finder = re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))
        self.rows: dict[str, list[dict[str, Any]]] = {}
        for table, records in rows.items():
            self.rows[table] = [
                {c: self._pattern(v, finder) for c, v in r.items()} for r in records
            ]

    def _pattern(self, value: Any, finder: re.Pattern[str]) -> Any:
        if isinstance(value, str | bytes | dict | list):
            kind = (
                "bytes" if isinstance(value, bytes) else "str" if isinstance(value, str) else "json"
            )
            text = (
                value.decode()
                if isinstance(value, bytes)
                else value
                if isinstance(value, str)
                else json.dumps(value)
            )
            parts: list[str] = []
            last = 0
            for match in finder.finditer(text):
                parts += [text[last : match.start()], self.tokens[match.group()]]
                last = match.end()
            if parts:
                return Pattern((*parts, text[last:]), kind)
        return value


async def make_template(hub: Hub, agencies: tuple[str, ...]) -> tuple[Template, list[str]]:
    """One order through the hub's service layer; its rows, its tokens, the tables it wrote."""
    before = await _snapshot(hub)
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body(TEMPLATE_BSN)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    await draag_opschorting_op(
        casus_id,
        DraagOpschortingOp(**opschorting_body(*agencies)),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
    )
    after = await _snapshot(hub)
    rows = {
        name: [r for key, r in after[name].items() if key not in before[name]]
        for name in after
        if name not in {AuditChainHeadRow.__tablename__, CasusTellingRow.__tablename__}
    }
    rows = {name: records for name, records in rows.items() if records}
    [lid] = rows[LidRow.__tablename__]
    tokens = {casus_id: "casus_id", lid["pseudoniem"]: "pseudoniem"}
    tokens[lid["bsn_opgeslagen"]] = "bsn_opgeslagen"
    tokens[lid["bsn_zoeksleutel"]] = "bsn_zoeksleutel"
    for record in rows[OutboxRow.__tablename__]:
        for agency in agencies:
            if record["topic"].endswith(f".{agency}.v1"):
                for sealed in _sealed(json.loads(record["value"])):
                    tokens[sealed] = f"sealed:{agency}"
    for records in rows.values():
        for record in records:
            for value in record.values():
                text = (
                    value.decode() if isinstance(value, bytes) else json.dumps(value, default=str)
                )
                for found in UUID.findall(text):
                    tokens.setdefault(found, f"uuid:{found}")
    return Template(rows, tokens), sorted(rows)


def _sealed(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "bsn_versleuteld" and isinstance(item, str):
                yield item
            else:
                yield from _sealed(item)
    elif isinstance(value, list):
        for item in value:
            yield from _sealed(item)


async def _snapshot(hub: Hub) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every row of every table, by primary key (the store holds next to nothing yet)."""
    result: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    async with hub.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            key = [c.name for c in table.primary_key.columns]
            rows = (await connection.execute(select(table))).mappings().all()
            result[table.name] = {tuple(r[k] for k in key): dict(r) for r in rows}
    return result


class Copier:
    """Copies of the template, each an order of its own (see the module docstring)."""

    def __init__(self, hub: Hub, template: Template, agencies: tuple[str, ...]) -> None:
        self.hub, self.template, self.agencies = hub, template, agencies
        self.people = bsns()
        self.now = hub.deps.clock()

    def values(self, bsn: str, at: dt.datetime) -> dict[str, str]:
        secrets, keys = self.hub.deps.secrets, self.hub.deps.keys
        casus_id = nieuw_casus_id(at)
        values = {
            "casus_id": casus_id,
            "pseudoniem": secrets.pseudoniem(casus_id, bsn),
            "bsn_opgeslagen": secrets.versleutel_opslag(bsn),
            "bsn_zoeksleutel": secrets.zoeksleutel(bsn),
            **{f"sealed:{a}": keys.seal_for(a, bsn) for a in self.agencies},
        }
        for name in self.template.tokens.values():
            if name.startswith("uuid:"):
                values[name] = str(uuid.uuid4())
        return values

    def order(self, i: int) -> dict[str, list[dict[str, Any]]]:
        """Copy ``i``: its rows per table (audit entries not yet numbered nor hashed)."""
        shift = (i + 1) * STEP
        values = self.values(next(self.people), self.now - shift)
        result: dict[str, list[dict[str, Any]]] = {}
        for name, records in self.template.rows.items():
            table = Base.metadata.tables[name]
            result[name] = [
                {c: _fill(v, values, shift) for c, v in r.items() if not _generated(table, c)}
                for r in records
            ]
        for record in result.get(OutboxRow.__tablename__, []):
            # As the relay leaves a row it published: sent, after one attempt.
            record.update(
                sent_at=record["created_at"], attempts=1, execute_after=record["created_at"]
            )
        return result


def _generated(table: Table, column: str) -> bool:
    """An integer key the store numbers itself (audit ``id``, outbox ``seq``, ...)."""
    col = table.columns[column]
    return (
        len(table.primary_key.columns) == 1
        and col.primary_key
        and isinstance(col.type, Integer)
        and col.autoincrement in (True, "auto")
    )


def _fill(value: Any, values: dict[str, str], shift: dt.timedelta) -> Any:
    if isinstance(value, Pattern):
        return value.fill(values)
    if isinstance(value, dt.datetime):
        return value - shift
    return value


@dataclass
class Chain:
    """The audit trail's head while appending."""

    sequence: int
    hash: str

    def link(self, entry: dict[str, Any]) -> None:
        self.sequence += 1
        entry.update(sequence=self.sequence, previous_hash=self.hash)
        entry["hash"] = self.hash = entry_hash(
            sequence=self.sequence,
            at=entry["at"],
            actor=entry["actor"],
            actie=entry["actie"],
            casus_id=entry["casus_id"],
            details=entry["details"],
            previous_hash=entry["previous_hash"],
        )


async def seed(
    hub: Hub,
    rows: int,
    agencies: tuple[str, ...] = AGENCIES,
    say: Callable[[str], None] = lambda _text: None,
) -> int:
    """``rows`` orders in the store (the template one of them); returns how many it holds now."""
    template, tables = await make_template(hub, agencies)
    copier = Copier(hub, template, agencies)
    order = [t for t in Base.metadata.sorted_tables if t.name in tables]
    audit = AuditRow.__tablename__
    async with hub.engine.connect() as connection:
        head = (await connection.execute(select(AuditChainHeadRow.__table__))).one()
        chain = Chain(head.sequence, head.hash)
    started = time.perf_counter()
    done = 1
    while done < rows:
        count = min(BATCH, rows - done)
        batch: dict[str, list[dict[str, Any]]] = {t.name: [] for t in order}
        for i in range(done - 1, done - 1 + count):
            for name, records in copier.order(i).items():
                batch[name] += records
        for entry in batch.get(audit, []):
            chain.link(entry)
        async with hub.engine.begin() as connection:
            for table in order:
                if batch[table.name]:
                    await connection.execute(table.insert(), batch[table.name])
            await connection.execute(
                update(Base.metadata.tables[AuditChainHeadRow.__tablename__]).values(
                    sequence=chain.sequence, hash=chain.hash
                )
            )
            await connection.execute(  # the casussen count the loket's list gives
                update(CasusTellingRow).values(aantal=CasusTellingRow.aantal + count)
            )
        done += count
        rate = (done - 1) / (time.perf_counter() - started)
        say(f"{done:,} orders ({rate:,.0f}/s)")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rows", type=int, default=100_000, help="time-out orders in all")
    parser.add_argument("--database-url", required=True, help="the hub's HUB_DATABASE_URL")
    parser.add_argument("--keys-dir", type=Path, required=True, help="the hub's HUB_KEYS_DIR")
    parser.add_argument(
        "--agencies", default=",".join(AGENCIES), help="agencies each time-out is ordered of"
    )
    args = parser.parse_args(argv)
    agencies = tuple(args.agencies.split(","))
    ensure_agency_keys(args.keys_dir, agencies)
    asyncio.run(_main(args.database_url, args.keys_dir, args.rows, agencies))
    return 0


def ensure_agency_keys(keys_dir: Path, agencies: tuple[str, ...]) -> None:
    """A key pair for each agency that has no public key there yet (a bench's own keys dir);
    an agency's existing key is kept, as ``maatwerk-connector keygen`` does."""
    from connectors.base.sleutels import maak_sleutelpaar, sleutelpaden

    for agency in agencies:
        if not sleutelpaden(keys_dir, agency)[1].exists():
            maak_sleutelpaar(keys_dir, agency)


async def _main(url: str, keys_dir: Path, rows: int, agencies: tuple[str, ...]) -> None:
    hub = await build_hub(Settings(database_url=url, keys_dir=keys_dir))
    try:
        started = time.perf_counter()
        done = await seed(hub, rows, agencies, say=lambda text: print(text, end="\r"))
        print(f"\n{done:,} time-out orders seeded in {time.perf_counter() - started:.0f} s")
    finally:
        await hub.close()


if __name__ == "__main__":
    sys.exit(main())
