"""Certificates for tests: the project's local CA (``deploy/pki/local_ca.py``), and certificates
it would never issue (an unknown OIN, another CA), to prove they are refused."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from cryptography import x509
from cryptography.hazmat.primitives import serialization

REPO_ROOT = Path(__file__).resolve().parents[2]


def local_ca() -> ModuleType:
    """``deploy/pki/local_ca.py`` (a script, not a package) as a module."""
    name = "maatwerk_local_ca"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "deploy/pki/local_ca.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass(frozen=True)
class Pki:
    """A directory written by the local CA: ``ca.pem`` and ``<code>.pem``/``<code>.key``."""

    dir: Path

    @property
    def ca(self) -> Path:
        return self.dir / "ca.pem"

    def cert(self, code: str) -> tuple[str, str]:
        """(certificate, key) paths of an organisation, for ``httpx``'s ``cert=``."""
        return str(self.dir / f"{code}.pem"), str(self.dir / f"{code}.key")

    def pem(self, code: str) -> str:
        return (self.dir / f"{code}.pem").read_text()

    def issue(self, code: str, oin: str) -> tuple[str, str]:
        """A certificate from this CA for an organisation the hub does not know."""
        ca_module = local_ca()
        ca_cert = x509.load_pem_x509_certificate(self.ca.read_bytes())
        ca_key = serialization.load_pem_private_key(
            (self.dir / "ca.key").read_bytes(), password=None
        )
        houder = ca_module.Houder(code, oin, f"Onbekend {code}", code)
        cert, key = ca_module._certificaat(houder, ca_cert, ca_key, machine_now())
        (self.dir / f"{code}.pem").write_bytes(cert)
        (self.dir / f"{code}.key").write_bytes(key)
        return self.cert(code)


def machine_now() -> dt.datetime:
    """The machine's own clock, which OpenSSL checks certificates against, also while the test
    process runs at another moment (``MAATWERK_TEST_NOW``, ``tests/support/klok.py``): a
    certificate dated by the moved clock would be "not yet valid" (or expired) to OpenSSL."""
    import time_machine

    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(dt.UTC)
    return dt.datetime.now(dt.UTC)


def make_pki(directory: Path) -> Pki:
    local_ca().maak(directory, machine_now())
    return Pki(directory)


def maak_pki(directory: Path) -> list[str]:
    """A CA and a certificate per organisation in ``directory``; the codes (re)issued."""
    result: list[str] = local_ca().maak(directory, machine_now())
    return result
