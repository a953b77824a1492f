"""The hub's own secrets and the agencies' public keys.

- pseudonym key: HMAC key that turns a BSN into its pseudonym in one casus (``psn-<32 hex>``),
  and (through a key derived from it) into the hub's own lookup key for that BSN;
- storage key: Fernet key that encrypts BSNs at rest in the store;
- ``<agency>.pub``: each agency's X25519 public key, to seal a BSN for that agency alone;
- ``hub.key`` / ``hub.pub``: the hub's own X25519 key pair, so an agency can seal a BSN for the
  hub (a check before collecting); the public key is also served at ``/api/v1/sleutels/hub``.

Secrets come from the settings (``HUB_PSEUDONYM_KEY``, ``HUB_STORAGE_KEY``) or, for a
development stack, from files in the keys directory, created on first use with mode 0600.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from pydantic import SecretStr

from schemas.versleuteling import (
    generate_private_key,
    load_private_key,
    load_public_key,
    open_sealed,
    private_key_pem,
    public_key_pem,
    seal,
)


def _read_or_create(path: Path, make: bytes) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(make)
    return make


_ZOEKSLEUTEL_LABEL = b"maatwerk-hub\0bsn-zoeksleutel\0v1"
"""Derives the lookup key's HMAC key from the pseudonym key: a key of its own, so that no
pseudonym and no lookup key can be computed from the other."""


def _given(key: SecretStr | None) -> bytes:
    return b"" if key is None else key.get_secret_value().strip().encode()


@dataclass(frozen=True)
class HubSecrets:
    pseudonym_key: bytes
    storage: Fernet
    keys_dir: Path | None = None
    """Where the hub's own key pair lives (``hub.key``, ``hub.pub``); None: a key in memory."""

    @classmethod
    def load(
        cls,
        keys_dir: Path,
        *,
        pseudonym_key: SecretStr | None = None,
        storage_key: SecretStr | None = None,
    ) -> HubSecrets:
        """The given keys; each one not given (or empty) from its file in ``keys_dir``."""
        pseudonym = _given(pseudonym_key) or _read_or_create(
            keys_dir / "hub-pseudonym.key", base64.urlsafe_b64encode(secrets.token_bytes(32))
        )
        storage = _given(storage_key) or _read_or_create(
            keys_dir / "hub-storage.key", Fernet.generate_key()
        )
        return cls(pseudonym_key=pseudonym, storage=Fernet(storage), keys_dir=keys_dir)

    @functools.cached_property
    def bsn_sleutel(self) -> X25519PrivateKey:
        """The hub's X25519 private key, which opens a BSN an agency sealed for the hub: read
        from ``hub.key`` in the keys directory (created on first use, with ``hub.pub`` beside
        it, for a development stack; a deployment puts its own there)."""
        if self.keys_dir is None:
            return generate_private_key()
        key = load_private_key(
            _read_or_create(self.keys_dir / "hub.key", private_key_pem(generate_private_key()))
        )
        publiek = self.keys_dir / "hub.pub"
        pem = public_key_pem(key.public_key())
        if not publiek.exists() or publiek.read_bytes() != pem:
            publiek.write_bytes(pem)
        return key

    @property
    def publieke_bsn_sleutel(self) -> bytes:
        """The hub's public key (PEM): an agency seals a BSN for the hub with it."""
        return public_key_pem(self.bsn_sleutel.public_key())

    def open_bsn(self, verzegeld: str) -> str:
        """A BSN an agency sealed for the hub (``schemas.versleuteling.SealError`` if not)."""
        return open_sealed(verzegeld, self.bsn_sleutel)

    def pseudoniem(self, casus_id: str, bsn: str) -> str:
        """The BSN's pseudonym in this casus: ``psn-`` + 32 hex of HMAC(key, casus id, BSN).

        Per casus on purpose: the same person has another pseudonym in every casus, so whoever
        sees two casussen (on a topic, in an API answer) cannot link them without the hub's key.
        Within one casus it is stable."""
        bericht = b"casus\0" + casus_id.encode() + b"\0" + bsn.encode()
        digest = hmac.new(self.pseudonym_key, bericht, hashlib.sha256).hexdigest()
        return f"psn-{digest[:32]}"

    def zoeksleutel(self, bsn: str) -> str:
        """The hub's lookup key for a BSN (64 hex), the same in every casus: HMAC under a key
        derived from the pseudonym key. Only for the hub's own look-ups across casussen (is a
        time-out in force for this person?); it never leaves the hub (no topic, no API answer,
        no log line)."""
        sleutel = hmac.new(self.pseudonym_key, _ZOEKSLEUTEL_LABEL, hashlib.sha256).digest()
        return hmac.new(sleutel, bsn.encode(), hashlib.sha256).hexdigest()

    def zoeksleutel_uit_opslag(self, token: str) -> str | None:
        """The lookup key of a BSN stored encrypted, or None when the storage key cannot open
        it."""
        try:
            return self.zoeksleutel(self.ontsleutel_opslag(token))
        except InvalidToken:
            return None

    def versleutel_opslag(self, bsn: str) -> str:
        return self.storage.encrypt(bsn.encode()).decode()

    def ontsleutel_opslag(self, token: str) -> str:
        return self.storage.decrypt(token.encode()).decode()


class OnbekendeSleutel(LookupError):
    """No public key is known for an agency: it is not connected."""


class AgencyKeys:
    """Public keys of the connected agencies, read from ``<keys_dir>/<agency>.pub``."""

    def __init__(self, keys_dir: Path) -> None:
        self._dir = keys_dir
        self._cache: dict[str, X25519PublicKey] = {}

    def public_key(self, uitvoerder: str) -> X25519PublicKey:
        key = self._cache.get(uitvoerder)
        if key is None:
            path = self._dir / f"{uitvoerder}.pub"
            if not path.exists():
                raise OnbekendeSleutel(uitvoerder)
            key = load_public_key(path.read_bytes())
            self._cache[uitvoerder] = key
        return key

    def is_connected(self, uitvoerder: str) -> bool:
        try:
            self.public_key(uitvoerder)
        except OnbekendeSleutel:
            return False
        return True

    def seal_for(self, uitvoerder: str, bsn: str) -> str:
        return seal(bsn, self.public_key(uitvoerder))
