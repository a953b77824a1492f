"""``maatwerk-hub deadletters``: an operator lists and replays dead letters through the hub's
HTTPS API, proving who they are with their client certificate (mutual TLS); the defaults are the
files ``make run`` writes (``.var/pki``: the operators' ``beheer`` certificate).

``replay`` selects the dead letters (the ids given, or every one of a reason code not replayed
yet), replays them in batches with a progress bar, and ends with a summary: replayed, already
replayed, refused with the reasons. Its exit code is 1 when anything was refused.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import typer

if TYPE_CHECKING:
    from rich.console import Console

# rich is imported by the commands that print with it: `maatwerk-hub serve` imports this module
# too (its commands join the hub's CLI) and must not carry rich (schemas.startup_imports).

app = typer.Typer(help="Dead letters: list them, replay them to their origin topic.")

PKI = Path(".var/pki")
PER_PAGINA = 500
"""The API's largest page."""

Url = Annotated[str, typer.Option("--url", envvar="MAATWERK_HUB_URL", help="The hub's API.")]
Cert = Annotated[
    Path,
    typer.Option(envvar="MAATWERK_HUB_CERT", help="The operator's client certificate (PEM)."),
]
Key = Annotated[Path, typer.Option(envvar="MAATWERK_HUB_KEY", help="Its private key (PEM).")]
Ca = Annotated[
    Path, typer.Option(envvar="MAATWERK_HUB_CA", help="The CA the hub's certificate chains to.")
]


def _client(url: str, cert: Path, key: Path, ca: Path) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(ca))
    context.load_cert_chain(str(cert), str(key))
    return httpx.Client(base_url=url, verify=context, timeout=120)


def _checked(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    try:
        detail = "; ".join(
            f"{d.get('field')}: {d.get('message')}" for d in response.json()["detail"]
        )
    except (ValueError, KeyError, TypeError):
        detail = response.text[:500]
    typer.echo(f"hub: HTTP {response.status_code}: {detail}", err=True)
    raise typer.Exit(2)


def _filters(
    redencode: list[str],
    topic: list[str],
    consumer: list[str],
    event_type: list[str],
    vanaf: dt.datetime | None,
    tot: dt.datetime | None,
    replayed: bool | None,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "redencode": redencode,
        "origin_topic": topic,
        "consumer": consumer,
        "event_type": event_type,
    }
    if vanaf is not None:
        params["vanaf"] = vanaf.isoformat()
    if tot is not None:
        params["tot"] = tot.isoformat()
    if replayed is not None:
        params["replayed"] = str(replayed).lower()
    return params


def _replayed(item: dict[str, Any]) -> str:
    replay = item.get("replayed")
    if not replay:
        return ""
    return f"{replay['at'][:19]} by {replay['by']} ({replay['count']}x)"


@app.command("list")
def list_(
    url: Url = "https://127.0.0.1:8000",
    cert: Cert = PKI / "beheer.pem",
    key: Key = PKI / "beheer.key",
    ca: Ca = PKI / "ca.pem",
    redencode: Annotated[
        list[str] | None, typer.Option("--redencode", "--reden", help="Repeat for any of.")
    ] = None,
    topic: Annotated[list[str] | None, typer.Option(help="Origin topic; repeat.")] = None,
    consumer: Annotated[list[str] | None, typer.Option(help="Consumer group; repeat.")] = None,
    event_type: Annotated[list[str] | None, typer.Option(help="Event type; repeat.")] = None,
    vanaf: Annotated[dt.datetime | None, typer.Option(help="Read by the hub from.")] = None,
    tot: Annotated[dt.datetime | None, typer.Option(help="Read by the hub before.")] = None,
    replayed: Annotated[
        bool | None, typer.Option("--replayed/--not-replayed", help="Replayed or not.")
    ] = None,
    pagina: int = typer.Option(1, min=1),
    per_pagina: int = typer.Option(50, min=1, max=PER_PAGINA),
) -> None:
    """The dead letters that pass the filters, newest first, as a table; "written by" is the
    producer the dead-letter topic proves (not a header's claim)."""
    from rich.console import Console
    from rich.table import Table

    params = _filters(
        redencode or [], topic or [], consumer or [], event_type or [], vanaf, tot, replayed
    )
    with _client(url, cert, key, ca) as client:
        page = _checked(
            client.get(
                "/api/v1/ops/dead-letters",
                params={**params, "pagina": pagina, "per_pagina": per_pagina},
            )
        )
    table = Table(
        "id", "received", "reason code", "written by", "origin", "event type", "key", "replayed"
    )
    for item in page["items"]:
        origin = item["origin_topic"] or "?"
        if item["origin_partition"] is not None:
            origin += f" {item['origin_partition']}:{item['origin_offset']}"
        table.add_row(
            str(item["id"]),
            item["received_at"][:19],
            item["redencode"] or "",
            item.get("failed_by") or "(not proven)",
            origin,
            item["event_type"] or "",
            item["key"] or "",
            _replayed(item),
        )
    console = Console(width=200)
    console.print(table)
    shown = len(page["items"])
    console.print(f"{shown} shown of {page['totaal']} (page {page['pagina']})")


def _selected_ids(client: httpx.Client, params: dict[str, Any]) -> list[int]:
    ids: list[int] = []
    pagina = 1
    while True:
        page = _checked(
            client.get(
                "/api/v1/ops/dead-letters",
                params={**params, "pagina": pagina, "per_pagina": PER_PAGINA},
            )
        )
        ids += [item["id"] for item in page["items"]]
        if pagina * PER_PAGINA >= page["totaal"] or not page["items"]:
            return sorted(set(ids))
        pagina += 1


@app.command("replay")
def replay(
    url: Url = "https://127.0.0.1:8000",
    cert: Cert = PKI / "beheer.pem",
    key: Key = PKI / "beheer.key",
    ca: Ca = PKI / "ca.pem",
    ids: Annotated[list[int] | None, typer.Option("--id", help="A dead letter; repeat.")] = None,
    reden: Annotated[
        str | None, typer.Option("--redencode", "--reden", help="Every one of this reason.")
    ] = None,
    topic: Annotated[str | None, typer.Option(help="With --reden: this origin only.")] = None,
    vanaf: Annotated[dt.datetime | None, typer.Option(help="With --reden: read from.")] = None,
    tot: Annotated[dt.datetime | None, typer.Option(help="With --reden: read before.")] = None,
    opnieuw: bool = typer.Option(False, help="Replay those replayed before too."),
    batch: int = typer.Option(20, min=1, max=PER_PAGINA, help="Dead letters per request."),
) -> None:
    """Replay dead letters to their origin topics (--id ... or --reden CODE), with a progress
    bar and a summary; exit code 1 when any was refused."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if bool(ids) == (reden is not None):
        raise typer.BadParameter("give --id (one or more) or --reden")
    if ids and (topic or vanaf or tot):
        raise typer.BadParameter("--topic, --vanaf and --tot narrow --reden, not --id")
    console = Console(stderr=False)
    with _client(url, cert, key, ca) as client:
        if ids:
            selected = list(dict.fromkeys(ids))
        else:
            params = _filters(
                [str(reden)],
                [topic] if topic else [],
                [],
                [],
                vanaf,
                tot,
                None if opnieuw else False,
            )
            selected = _selected_ids(client, params)
        if not selected:
            console.print("nothing to replay")
            return
        results: list[dict[str, Any]] = []
        with Progress(
            TextColumn("replaying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("replay", total=len(selected))
            for start in range(0, len(selected), batch):
                chunk = selected[start : start + batch]
                answer = _checked(
                    client.post(
                        "/api/v1/ops/dead-letters/replay",
                        json={"ids": chunk, "opnieuw": opnieuw},
                    )
                )
                results += answer["results"]
                progress.advance(task, len(chunk))
    _summary(console, results)


def _summary(console: Console, results: list[dict[str, Any]]) -> None:
    outcomes = Counter(r["outcome"] for r in results)
    console.print(
        f"replayed: {outcomes['replayed']}, already replayed: {outcomes['already_replayed']}, "
        f"refused: {outcomes['refused']}"
    )
    refused = [r for r in results if r["outcome"] == "refused"]
    for r in refused:
        console.print(f"  refused {r['id']}: {r['refusal']}: {r['reason']}", soft_wrap=True)
    if refused:
        raise typer.Exit(1)
