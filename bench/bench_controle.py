"""Benchmark: the check before collecting (``hub.service.controle.controleer``) on a filled store.

Builds the hub's store (SQLite in a temporary directory, or ``--database-url``), submits
``--casussen`` casussen of one person each with a time-out for the CJIB and DUO, then has the
CJIB check ``--checks`` random persons (half by a BSN sealed for the hub, half by pseudonym; one
in ten unknown). Each check is the whole service call: open the seal, two indexed look-ups, and the
processing-log entry committed. Prints p50 / p95 / max per check and the query plan of the
look-up (SQLite), which must use the indexes (no full scan of a table).

    python bench/bench_controle.py [--casussen 1000] [--checks 1000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.dialects import sqlite  # noqa: E402

from hub.bootstrap import build_hub  # noqa: E402
from hub.service.casus import dien_casus_in  # noqa: E402
from hub.service.commands import DienCasusIn, DraagOpschortingOp  # noqa: E402
from hub.service.controle import ControleerOpschorting, controleer  # noqa: E402
from hub.service.opschorting import draag_opschorting_op  # noqa: E402
from hub.settings import Settings  # noqa: E402
from schemas.organisaties import UITVOERDERS, Uitvoerder  # noqa: E402
from schemas.versleuteling import (  # noqa: E402
    generate_private_key,
    load_public_key,
    public_key_pem,
    seal,
)
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body  # noqa: E402


def bsns(n: int) -> list[str]:
    """``n`` valid BSNs (the 11-test), from 100000000 on."""
    found: list[str] = []
    number = 100_000_000
    while len(found) < n:
        digits = [int(c) for c in f"{number:09d}"]
        if (
            sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
        ) % 11 == 0:
            found.append(f"{number:09d}")
        number += 1
    return found


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="maatwerk-bench-controle-"))
    keys = tmp / "keys"
    keys.mkdir()
    for agency in ("belastingdienst", "cjib", "duo"):
        (keys / f"{agency}.pub").write_bytes(public_key_pem(generate_private_key().public_key()))
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'hub.sqlite3'}"
    hub = await build_hub(Settings(database_url=url, keys_dir=keys))
    try:
        people = bsns(args.casussen)
        start = time.perf_counter()
        pseudoniemen: dict[str, str] = {}
        for bsn in people:
            casus_id = await dien_casus_in(
                DienCasusIn(**casus_body(bsn)), hub.uow(), hub.deps, door=LOKET_DOOR
            )
            async with hub.uow() as uow:
                [lid] = await uow.casussen.leden(casus_id)
            pseudoniemen[bsn] = lid.pseudoniem
            await draag_opschorting_op(
                casus_id,
                DraagOpschortingOp(**opschorting_body("cjib", "duo")),
                hub.uow(),
                hub.deps,
                door=LOKET_DOOR,
            )
        print(
            f"seeded {len(people)} casussen with a time-out in {time.perf_counter() - start:.1f} s"
        )

        public = load_public_key(hub.deps.secrets.publieke_bsn_sleutel)
        rng = random.Random(9)
        unknown = bsns(args.casussen + args.checks)[args.casussen :]
        timings: list[float] = []
        in_force = 0
        for i in range(args.checks):
            bsn = rng.choice(people) if i % 10 else unknown[i]
            vraag = (
                ControleerOpschorting(bsn_versleuteld=seal(bsn, public))
                if i % 2
                else ControleerOpschorting(pseudoniem=pseudoniemen.get(bsn, "psn-" + f"{i:032x}"))
            )
            begin = time.perf_counter()
            controle = await controleer(
                vraag,
                hub.uow(),
                hub.deps,
                uitvoerder="cjib",
                oin=UITVOERDERS[Uitvoerder.CJIB].oin,
                trace_id=None,
            )
            timings.append((time.perf_counter() - begin) * 1000)
            in_force += controle.in_force
        print(
            f"{args.checks} checks ({in_force} in force): "
            f"p50 {pct(timings, 50):.2f} ms, p95 {pct(timings, 95):.2f} ms, "
            f"max {max(timings):.2f} ms"
        )
        if url.startswith("sqlite"):
            await explain(hub)
    finally:
        await hub.close()


async def explain(hub) -> None:  # type: ignore[no-untyped-def]
    """The SQLite plan of the look-up: each table reached through an index."""
    from hub.adapters.verwerking_repository import VerwerkingRepository

    captured: list[str] = []

    class Capture:
        async def execute(self, statement):  # type: ignore[no-untyped-def]
            captured.append(
                str(
                    statement.compile(
                        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
                    )
                )
            )
            return []

    repository = VerwerkingRepository(Capture())  # type: ignore[arg-type]
    await repository.lopend_bij(["MWL-2026-0000000000"], "cjib", dt.date.today(), "0" * 64)
    async with hub.sessions() as session:
        plan = (await session.execute(_text(f"EXPLAIN QUERY PLAN {captured[0]}"))).all()
    print("query plan:")
    for row in plan:
        print("  ", row[-1])


def _text(sql: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    return text(sql)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--casussen", type=int, default=1000)
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    asyncio.run(main(parser.parse_args()))
