"""The certificate: which checks a connector passed, each with its evidence.

A :class:`Controle` is one named check of the battery (what it proves, and how to run it); running
it gives an :class:`Uitkomst` (passed or not, with the evidence: ids, times, counts, the offending
text). The :class:`Certificaat` gathers them with who was certified, when and on which broker, and
prints as a table (an operator reads it) or as JSON (a pipeline reads it). Any failure makes the
certificate fail: :attr:`Certificaat.geslaagd` is what the command's exit code says.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class Uitkomst:
    """The outcome of one check: passed or not, and the evidence either way."""

    geslaagd: bool
    bewijs: str


@dataclass(frozen=True)
class Controle:
    """One check of the battery. ``uitvoeren`` never raises for a failing connector: it says so
    in its :class:`Uitkomst` (the runner turns an unexpected error into a failure too)."""

    naam: str
    bewijst: str
    """What passing it proves, in one sentence."""
    uitvoeren: Callable[[], Awaitable[Uitkomst]]


@dataclass(frozen=True)
class Resultaat:
    """One check as it appears on the certificate."""

    naam: str
    bewijst: str
    geslaagd: bool
    bewijs: str
    seconden: float


@dataclass
class Certificaat:
    """What was certified, where and when, and the outcome of every check."""

    agency: str
    connector: str
    """The connector's version (package version and, when known, the git commit)."""
    broker: str
    begonnen: datetime
    resultaten: list[Resultaat] = field(default_factory=list)

    @property
    def geslaagd(self) -> bool:
        return bool(self.resultaten) and all(r.geslaagd for r in self.resultaten)

    @property
    def gefaald(self) -> list[str]:
        """The names of the checks that failed."""
        return [r.naam for r in self.resultaten if not r.geslaagd]

    def als_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "connector": self.connector,
            "broker": self.broker,
            "begonnen": self.begonnen.isoformat(),
            "geslaagd": self.geslaagd,
            "controles": [asdict(r) for r in self.resultaten],
        }

    def als_json(self) -> str:
        return json.dumps(self.als_dict(), indent=2, ensure_ascii=False)

    def print(self, console: Console) -> None:
        """The certificate as a table, then one line with the verdict."""
        table = Table(
            title=f"Certificate of connector-{self.agency} ({self.connector})",
            caption=f"broker {self.broker}, started {self.begonnen.isoformat(timespec='seconds')}",
            show_lines=True,
        )
        table.add_column("check", style="bold")
        table.add_column("result")
        table.add_column("evidence", overflow="fold")
        table.add_column("s", justify="right")
        for r in self.resultaten:
            uitslag = "[green]passed[/green]" if r.geslaagd else "[red]FAILED[/red]"
            table.add_row(r.naam, uitslag, r.bewijs, f"{r.seconden:.1f}")
        console.print(table)
        if self.geslaagd:
            console.print(f"[green]CERTIFIED[/green]: all {len(self.resultaten)} checks passed")
        else:
            console.print(f"[red]NOT CERTIFIED[/red]: failed {', '.join(self.gefaald)}")
