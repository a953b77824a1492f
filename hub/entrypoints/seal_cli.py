"""``maatwerk-hub seal-bsn``: seal a BSN for the hub, as an agency does before it asks whether a
time-out is in force (``POST /api/v1/opschortingen/controle`` with ``bsn_versleuteld``).

The BSN is read from standard input, never from the command line: arguments show in the process
list and the shell's history. The seal (``schemas.versleuteling.seal``, X25519 + AES-GCM) opens
only with the hub's private key, so the value may travel and be logged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from schemas.ids import elfproef
from schemas.versleuteling import SealError, load_public_key, seal


def default_public_key() -> Path:
    """Where ``make run`` (and a hub with default settings) writes the hub's public key."""
    return Path(os.environ.get("HUB_KEYS_DIR", ".var/keys")) / "hub.pub"


def seal_bsn(
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The hub's X25519 public key (PEM); default <HUB_KEYS_DIR or .var/keys>/hub.pub, "
            "the key also served at GET /api/v1/sleutels/hub.",
        ),
    ] = None,
) -> None:
    """Read a BSN from standard input and print it sealed for the hub (one line)."""
    path = public_key or default_public_key()
    bsn = sys.stdin.readline().strip()
    if not (len(bsn) == 9 and bsn.isdigit() and elfproef(bsn)):
        typer.echo("seal-bsn: standard input holds no BSN (9 digits, elfproef)", err=True)
        raise typer.Exit(2)
    try:
        key = load_public_key(path.read_bytes())
    except (OSError, SealError, ValueError) as exc:
        typer.echo(f"seal-bsn: no hub public key at {path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(seal(bsn, key))
