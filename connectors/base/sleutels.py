"""The agency's X25519 key pair: ``<keys_dir>/<agency>.key`` (private) and ``<agency>.pub``."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from schemas.versleuteling import (
    generate_private_key,
    load_private_key,
    private_key_pem,
    public_key_pem,
)


def sleutelpaden(keys_dir: Path, agency: str) -> tuple[Path, Path]:
    return keys_dir / f"{agency}.key", keys_dir / f"{agency}.pub"


def laad_private_key(keys_dir: Path, agency: str) -> X25519PrivateKey:
    prive, _ = sleutelpaden(keys_dir, agency)
    return load_private_key(prive.read_bytes())


def maak_sleutelpaar(keys_dir: Path, agency: str) -> tuple[Path, Path, bool]:
    """Create the key pair if missing; an existing private key is kept (its ``.pub`` restored).

    Returns the two paths and whether a new private key was made.
    """
    keys_dir.mkdir(parents=True, exist_ok=True)
    prive, publiek = sleutelpaden(keys_dir, agency)
    nieuw = False
    if prive.exists():
        sleutel = load_private_key(prive.read_bytes())
    else:
        sleutel = generate_private_key()
        fd = os.open(prive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(private_key_pem(sleutel))
        nieuw = True
    if nieuw or not publiek.exists():
        publiek.write_bytes(public_key_pem(sleutel.public_key()))
    return prive, publiek, nieuw
