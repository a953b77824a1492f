#!/usr/bin/env python3
"""A local certificate authority for development and tests: one certificate per organisation.

NOT PKIoverheid. In production every organisation brings its own PKIoverheid certificate (private
root, with its OIN in the subject's serialNumber, as Digikoppeling and FSC ask); for ``make run``
and the tests this script plays that role, so a fresh clone needs no manual step.

    python deploy/pki/local_ca.py --dir .var/pki

writes into ``--dir`` (idempotent: what exists and is still valid is kept):

- ``ca.pem`` / ``ca.key``: the local CA (the trust anchor every party is configured with);
- ``<code>.pem`` / ``<code>.key``: per organisation of ``schemas.organisaties`` (the loket, the hub,
  the LET, operators and every agency) a certificate whose subject carries the organisation's OIN
  in ``serialNumber``, its name in ``O`` and its system in ``CN``; usable as TLS client and server
  certificate, for ``127.0.0.1`` and ``localhost`` (the broker's also for ``kafka``, its name in
  docker-compose.yml);
- ``kafka.pem`` / ``kafka.key``: the local broker's own certificate, ``CN=kafka-broker`` and no OIN
  (the broker is no organisation: it must never be taken for the hub or anyone else). It serves
  TLS to clients and authenticates the broker on its own controller listener;
- ``kafka.p12`` / ``kafka.p12.password``: the same key and certificate as a PKCS#12 keystore for the
  broker (``ssl.keystore.type=PKCS12``). Kafka's file-based PEM keystore would need the key
  encrypted as PKCS#8, and Java 17 cannot read PKCS#8's PBES2 encryption ("PBES2 SecretKeyFactory
  not available"), while PKCS#12 with AES is fine. The truststore stays PEM (``ca.pem``);
- ``sociaal-domein.pem`` / ``.key``: the server certificate of the simulated social-services host
  (``simulators.gemeente``, several municipalities as tenants), no OIN;
- ``kafka.super-users``: the broker's ``super.users``: the broker itself (``User:kafka-broker``)
  and the operators (``User:<OIN of beheer>``), who create topics and ACLs. The hub is not one.

Keys are ECDSA P-256, written PKCS#8 PEM with mode 0600. Only ``cryptography`` and ``schemas`` are
needed, so the script runs from the project's virtualenv before anything else starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from schemas.organisaties import ORGANISATIES

CA_NAME = "maatwerk-hub lokale CA (ontwikkeling, NIET PKIoverheid)"
LIFETIME = dt.timedelta(days=825)
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class Houder:
    """Who a certificate is for: file name, OIN, organisation name, system."""

    code: str
    oin: str | None
    naam: str
    systeem: str

    def subject(self) -> x509.Name:
        attributes = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.naam),
        ]
        if self.oin is not None:
            attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, self.oin))
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, self.systeem))
        return x509.Name(attributes)


BROKER = Houder("kafka", None, "maatwerk-hub", "kafka-broker")
BROKER_PRINCIPAL = "User:kafka-broker"
"""What ``ssl.principal.mapping.rules`` in deploy/kafka/server.properties makes of the broker's
certificate (``CN=kafka-broker,O=maatwerk-hub,C=NL``)."""


SOCIAAL_DOMEIN = Houder(
    "sociaal-domein", None, "Sociaal domein (SIMULATOR, gehost voor gemeenten)", "sociaal-domein"
)
"""The server certificate of the simulated social-services host (``simulators.gemeente``), which
serves several municipalities over mutual TLS. No OIN: the host is no party; each municipality
proves itself with its own certificate (``gemeente-<naam>``) to its own tenant."""


def houders() -> list[Houder]:
    return [
        *(Houder(o.code, o.oin, o.naam, o.systeem) for o in ORGANISATIES),
        BROKER,
        SOCIAAL_DOMEIN,
    ]


def super_users() -> str:
    """The broker's ``super.users``: itself and the operators, never the hub."""
    beheer = next(o for o in ORGANISATIES if o.code == "beheer")
    return f"{BROKER_PRINCIPAL};User:{beheer.oin}"


def _write(path: Path, data: bytes, *, secret: bool) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _still_valid(
    path: Path,
    issuer: x509.Certificate | None,
    now: dt.datetime,
    subject: x509.Name | None = None,
) -> bool:
    """Keep a certificate only while it is far from expiry, from this CA, and for the same subject
    (a changed OIN or name in schemas.organisaties means a new certificate)."""
    if not path.exists() or not path.with_suffix(".key").exists():
        return False
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    if cert.not_valid_after_utc - now < RENEW_BEFORE:
        return False
    if subject is not None and cert.subject != subject:
        return False
    return issuer is None or cert.issuer == issuer.subject


def _ca(directory: Path, now: dt.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = directory / "ca.pem", directory / "ca.key"
    if _still_valid(cert_path, None, now):
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cert, key
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + 2 * LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _pem_key(key), secret=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), secret=False)
    # A new CA: every certificate it did not sign is stale.
    for old in [*directory.glob("*.pem"), *directory.glob("*.p12")]:
        if old.name != "ca.pem":
            old.unlink()
    return cert, key


def _certificaat(
    houder: Houder, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, now: dt.datetime
) -> tuple[bytes, bytes]:
    key = _key()
    subject = houder.subject()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")),
                    # The broker's name in docker-compose.yml, for clients that check it.
                    *([x509.DNSName("kafka")] if houder is BROKER else []),
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)


def maak(directory: Path, now: dt.datetime | None = None) -> list[str]:
    """Create what is missing or about to expire; returns the codes (re)issued."""
    now = now or dt.datetime.now(dt.UTC)
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = _ca(directory, now)
    issued = []
    for houder in houders():
        cert_path = directory / f"{houder.code}.pem"
        if _still_valid(cert_path, ca, now, houder.subject()):
            continue
        cert, key = _certificaat(houder, ca, ca_key, now)
        _write(directory / f"{houder.code}.key", key, secret=True)
        _write(cert_path, cert, secret=False)
        issued.append(houder.code)
    _broker_keystore(directory, rewrite=BROKER.code in issued)
    return issued


def _broker_keystore(directory: Path, *, rewrite: bool) -> None:
    """The broker's key and certificate as a PKCS#12 keystore, with its password beside it."""
    keystore = directory / "kafka.p12"
    password_file = directory / "kafka.p12.password"
    if rewrite or not keystore.exists() or not password_file.exists():
        password = secrets.token_urlsafe(24)
        key = serialization.load_pem_private_key(
            (directory / "kafka.key").read_bytes(), password=None
        )
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        cert = x509.load_pem_x509_certificate((directory / "kafka.pem").read_bytes())
        data = pkcs12.serialize_key_and_certificates(
            b"kafka", key, cert, None, _keystore_encryption(password.encode())
        )
        _write(keystore, data, secret=True)
        _write(password_file, password.encode(), secret=True)
    _write(directory / "kafka.super-users", super_users().encode(), secret=False)


KEYSTORE_KDF_ROUNDS = 1000
"""PBKDF2 rounds of the broker's keystore (AES-256, SHA-256). The broker opens it for every TLS
listener and client it makes: with the default 20,000 rounds that took about 1 s of a local
broker's 3 s of start-up CPU (Java's SHA-256 on the quick compiler the tests use). More rounds
protect nothing here: the password lies beside the keystore, both readable by their owner only."""


def _keystore_encryption(password: bytes) -> serialization.KeySerializationEncryption:
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KEYSTORE_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path(".var/pki"), help="Where to write.")
    args = parser.parse_args(argv)
    issued = maak(args.dir)
    print(
        f"local-ca: {args.dir}: {len(issued)} certificate(s) issued"
        + (f" ({', '.join(issued)})" if issued else ", all present")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
