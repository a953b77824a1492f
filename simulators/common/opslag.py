"""A simulated back-office's state in a file, so that a restart forgets nothing.

One SQLite file per simulator (stdlib ``sqlite3``), e.g. ``.var/simulators/cjib.sqlite3`` under
``make run``. The seed stays the seed file; the state file holds what changed since: persons and
claims added through the admin API, every suspension with its changes, the reference counter (a
reference is never handed out twice), every answered request under its key (a redelivered
instruction gets the same answer and reference) and the faults switched on. Each request's
changes are written in one transaction before it is answered (WAL, so a ``kill -9`` loses
nothing that was answered).

A person is stored under a keyed hash of the BSN (the key is in the file), with its internal id,
name and claims: no BSN in clear, as in every other table of the project.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from simulators.common.register import (
    OpgeslagenAntwoord,
    Opschorting,
    Persoon,
    Register,
    Storing,
    Vordering,
    Wijziging,
    Wijzigingen,
    WijzigingSoort,
)

SCHEMA = """
create table if not exists instelling (naam text primary key, waarde text not null);
create table if not exists persoon (sleutel text primary key, gegevens text not null);
create table if not exists opschorting (
    volgorde integer primary key autoincrement,
    referentie text not null unique,
    gegevens text not null
);
create table if not exists antwoord (
    sleutel text primary key,
    vingerafdruk text not null,
    status integer not null,
    body text not null
);
create table if not exists storing (id integer primary key, gegevens text not null);
"""


class Opslag:
    """The state file of one simulator. Use it under the register's lock."""

    def __init__(self, pad: Path) -> None:
        pad.parent.mkdir(parents=True, exist_ok=True)
        self.pad = pad
        # Requests are served from a thread pool, always under the register's lock.
        self._db = sqlite3.connect(pad, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=normal")
        self._db.executescript(SCHEMA)
        rij = self._db.execute("select waarde from instelling where naam = 'geheim'").fetchone()
        if rij is None:
            rij = (secrets.token_hex(32),)
            self._db.execute("insert into instelling values ('geheim', ?)", rij)
        self.geheim = bytes.fromhex(rij[0])
        """The key of the persons' keyed hash: the same in every run on this file."""

    def laad(self, register: Register) -> None:
        """Put the file's state into ``register`` (built from the seed with :attr:`geheim`)."""
        db = self._db
        teller = db.execute("select waarde from instelling where naam = 'teller'").fetchone()
        register.herstel(
            teller=int(teller[0]) if teller else 0,
            personen={
                sleutel: _persoon(json.loads(gegevens))
                for sleutel, gegevens in db.execute("select sleutel, gegevens from persoon")
            },
            opschortingen=[
                _opschorting(json.loads(gegevens))
                for (gegevens,) in db.execute("select gegevens from opschorting order by volgorde")
            ],
            antwoorden={
                sleutel: OpgeslagenAntwoord(vingerafdruk, status, json.loads(body))
                for sleutel, vingerafdruk, status, body in db.execute(
                    "select sleutel, vingerafdruk, status, body from antwoord"
                )
            },
            storingen=[
                Storing(**json.loads(gegevens))
                for (gegevens,) in db.execute("select gegevens from storing order by id")
            ],
        )

    def bewaar(self, wijzigingen: Wijzigingen) -> None:
        """Write ``wijzigingen`` in one transaction."""
        db = self._db
        db.execute("begin immediate")
        try:
            db.execute(
                "insert into instelling values ('teller', ?) "
                "on conflict(naam) do update set waarde = excluded.waarde",
                (str(wijzigingen.teller),),
            )
            db.executemany(
                "insert into persoon values (?, ?) "
                "on conflict(sleutel) do update set gegevens = excluded.gegevens",
                [(s, json.dumps(_persoon_json(p))) for s, p in wijzigingen.personen.items()],
            )
            db.executemany(
                "insert into opschorting (referentie, gegevens) values (?, ?) "
                "on conflict(referentie) do update set gegevens = excluded.gegevens",
                [
                    (o.referentie, json.dumps(opschorting_json(o)))
                    for o in wijzigingen.opschortingen
                ],
            )
            db.executemany(
                "insert or replace into antwoord values (?, ?, ?, ?)",
                [
                    (s, a.vingerafdruk, a.status, json.dumps(a.body))
                    for s, a in wijzigingen.antwoorden.items()
                ],
            )
            if wijzigingen.storingen is not None:
                db.execute("delete from storing")
                db.executemany(
                    "insert into storing values (?, ?)",
                    [(s.id, json.dumps(vars(s))) for s in wijzigingen.storingen],
                )
            db.execute("commit")
        except BaseException:
            db.execute("rollback")
            raise

    def wis(self) -> None:
        """Forget everything but the key (back to the seed)."""
        self._db.executescript(
            "begin; delete from persoon; delete from opschorting; delete from antwoord;"
            " delete from storing; delete from instelling where naam = 'teller'; commit;"
        )

    def sluit(self) -> None:
        self._db.close()


def _persoon_json(p: Persoon) -> dict[str, Any]:
    return {
        "internId": p.intern_id,
        "naam": p.naam,
        "vorderingen": [vars(v) for v in p.vorderingen.values()],
        "gegevens": p.gegevens,
        "afgeschermd": p.afgeschermd,
    }


def _persoon(data: dict[str, Any]) -> Persoon:
    vorderingen = [Vordering(**v) for v in data["vorderingen"]]
    # The BSN is not kept: the register knows the person by its key.
    return Persoon(
        bsn="",
        intern_id=data["internId"],
        naam=data["naam"],
        vorderingen={v.nummer: v for v in vorderingen},
        gegevens=data.get("gegevens", {}),
        afgeschermd=data.get("afgeschermd", False),
    )


def _datum(waarde: str | None) -> dt.date | None:
    return None if waarde is None else dt.date.fromisoformat(waarde)


def opschorting_json(o: Opschorting) -> dict[str, Any]:
    """A suspension as JSON: a row of the state file, and the base of what
    ``GET /_simulator/opschortingen`` shows."""
    return {
        "referentie": o.referentie,
        "sleutel": o.sleutel,
        "personen": list(o.personen),
        "vorderingen": list(o.vorderingen),
        "van": o.van.isoformat(),
        "totEnMet": o.tot_en_met.isoformat(),
        "maatregelen": list(o.maatregelen),
        "oorspronkelijkTotEnMet": (o.oorspronkelijk_tot_en_met or o.tot_en_met).isoformat(),
        "opgehevenPer": o.opgeheven_per.isoformat() if o.opgeheven_per else None,
        "wijzigingen": [
            {
                "referentie": w.referentie,
                "sleutel": w.sleutel,
                "soort": w.soort.value,
                "totEnMet": w.tot_en_met.isoformat(),
            }
            for w in o.wijzigingen
        ],
    }


def _opschorting(data: dict[str, Any]) -> Opschorting:
    return Opschorting(
        referentie=data["referentie"],
        sleutel=data["sleutel"],
        personen=tuple(data["personen"]),
        vorderingen=tuple(data["vorderingen"]),
        van=dt.date.fromisoformat(data["van"]),
        tot_en_met=dt.date.fromisoformat(data["totEnMet"]),
        maatregelen=tuple(data["maatregelen"]),
        oorspronkelijk_tot_en_met=_datum(data["oorspronkelijkTotEnMet"]),
        opgeheven_per=_datum(data["opgehevenPer"]),
        wijzigingen=[
            Wijziging(
                referentie=w["referentie"],
                sleutel=w["sleutel"],
                soort=WijzigingSoort(w["soort"]),
                tot_en_met=dt.date.fromisoformat(w["totEnMet"]),
            )
            for w in data["wijzigingen"]
        ],
    )
