"""``maatwerk-hub register seed``: organisations enter their maatwerkfunctionaris in the register,
each through the hub's HTTPS API with its own certificate (so each changes only its own entry, as
in the field). ``make run`` seeds the simulated agencies, the municipalities, the health insurer
and the care office from ``deploy/register/seed.json``; seeding again changes nothing (``PUT``).
"""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Annotated

import httpx
import typer

from schemas.identiteit import oin_van_certificaat

app = typer.Typer(help="The Landelijk Maatwerkregister: seed it for a local stack.")

SEED = Path("deploy/register/seed.json")


@app.command("seed")
def seed(
    file: Annotated[Path, typer.Option("--file", help="Entries by organisation code.")] = SEED,
    url: Annotated[
        str, typer.Option("--url", envvar="MAATWERK_HUB_URL", help="The hub's API.")
    ] = "https://127.0.0.1:8000",
    pki_dir: Annotated[
        Path, typer.Option("--pki-dir", help="ca.pem and <code>.pem/.key per organisation.")
    ] = Path(".var/pki"),
) -> None:
    """Enter each organisation's entry with that organisation's certificate."""
    entries: dict[str, dict[str, object]] = json.loads(file.read_text())
    counts = {201: 0, 200: 0}
    for code, entry in entries.items():
        cert = pki_dir / f"{code}.pem"
        oin = oin_van_certificaat(cert.read_bytes())
        context = ssl.create_default_context(cafile=str(pki_dir / "ca.pem"))
        context.load_cert_chain(str(cert), str(pki_dir / f"{code}.key"))
        with httpx.Client(base_url=url, verify=context, timeout=30) as client:
            response = client.put(f"/api/v1/register/{oin}", json=entry)
        if response.status_code not in counts:
            typer.echo(f"register: {code}: HTTP {response.status_code}: {response.text}", err=True)
            raise typer.Exit(2)
        counts[response.status_code] += 1
    typer.echo(f"register: {counts[201]} entered, {counts[200]} already there")
