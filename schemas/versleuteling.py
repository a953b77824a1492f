"""Sealing a BSN for exactly one agency.

A BSN never travels in clear. Where an agency needs it to find its claims, the hub seals it with
that agency's X25519 public key: an ephemeral key pair, HKDF-SHA256 over the shared secret,
AES-256-GCM with the recipient's key id as associated data. The result is
``v1.<epk>.<nonce>.<ciphertext>`` (base64url without padding). Only the holder of the agency's
private key can open it.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"maatwerk-hub bsn seal v1"


class SealError(ValueError):
    """The sealed value could not be opened (wrong key, tampered or malformed)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _key(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=epk + recipient, info=_INFO).derive(shared)


def seal(plaintext: str, recipient: X25519PublicKey) -> str:
    ephemeral = X25519PrivateKey.generate()
    epk = _raw(ephemeral.public_key())
    rpk = _raw(recipient)
    key = _key(ephemeral.exchange(recipient), epk, rpk)
    nonce = os.urandom(12)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), rpk)
    return ".".join(["v1", _b64(epk), _b64(nonce), _b64(ciphertext)])


def open_sealed(sealed: str, private: X25519PrivateKey) -> str:
    try:
        version, epk_b64, nonce_b64, ct_b64 = sealed.split(".")
        if version != "v1":
            raise SealError(f"unknown seal version {version!r}")
        epk = _unb64(epk_b64)
        rpk = _raw(private.public_key())
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
        key = _key(shared, epk, rpk)
        return AESGCM(key).decrypt(_unb64(nonce_b64), _unb64(ct_b64), rpk).decode()
    except SealError:
        raise
    except Exception as exc:  # InvalidTag, ValueError from malformed parts
        raise SealError("cannot open sealed value") from exc


def generate_private_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def private_key_pem(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_pem(key: X25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_text(key: X25519PublicKey) -> str:
    """The public key as a message carries it: base64url of its 32 raw bytes, no padding."""
    return _b64(_raw(key))


def load_public_key_text(text: str) -> X25519PublicKey:
    """A public key from :func:`public_key_text` (:class:`SealError` if it is none)."""
    try:
        raw = _unb64(text)
        if len(raw) != 32:
            raise ValueError("not 32 bytes")
        return X25519PublicKey.from_public_bytes(raw)
    except Exception as exc:
        raise SealError("not an X25519 public key (base64url, 32 bytes)") from exc


def is_sealed(text: str) -> bool:
    """Whether ``text`` has the shape of a sealed value (not whether it opens)."""
    parts = text.split(".")
    return len(parts) == 4 and parts[0] == "v1" and all(parts[1:])


def load_private_key(pem: bytes) -> X25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, X25519PrivateKey):
        raise SealError("not an X25519 private key")
    return key


def load_public_key(pem: bytes) -> X25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, X25519PublicKey):
        raise SealError("not an X25519 public key")
    return key
