"""The OIN is read from a certificate's subject serialNumber, and only from there."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from schemas.identiteit import GeenOin, oin_van_certificaat
from schemas.organisaties import ORGANISATIES, UITVOERDERS, Uitvoerder

REPO = Path(__file__).resolve().parents[3]


def _self_signed(*attributes: x509.NameAttribute) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(list(attributes))
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


def test_the_local_ca_issues_one_certificate_per_organisation_with_its_oin(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO / "deploy/pki/local_ca.py"), "--dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for organisatie in ORGANISATIES:
        pem = (tmp_path / f"{organisatie.code}.pem").read_bytes()
        assert oin_van_certificaat(pem) == organisatie.oin
        assert (tmp_path / f"{organisatie.code}.key").stat().st_mode & 0o077 == 0
    cjib = x509.load_pem_x509_certificate((tmp_path / "cjib.pem").read_bytes())
    ca = x509.load_pem_x509_certificate((tmp_path / "ca.pem").read_bytes())
    cjib.verify_directly_issued_by(ca)
    assert oin_van_certificaat(cjib) == UITVOERDERS[Uitvoerder.CJIB].oin


def test_a_certificate_without_a_valid_oin_proves_nothing():
    cn_only = _self_signed(x509.NameAttribute(NameOID.COMMON_NAME, "00000001999999990102"))
    with pytest.raises(GeenOin):
        oin_van_certificaat(cn_only)
    short = _self_signed(x509.NameAttribute(NameOID.SERIAL_NUMBER, "12345"))
    with pytest.raises(GeenOin):
        oin_van_certificaat(short)
    twice = _self_signed(
        x509.NameAttribute(NameOID.SERIAL_NUMBER, "00000001999999990102"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, "00000001999999990103"),
    )
    with pytest.raises(GeenOin):
        oin_van_certificaat(twice)


def test_kafka_tls_takes_all_three_files_or_none():
    from pathlib import Path

    from connectors.base.settings import ConnectorSettings
    from hub.settings import Settings
    from schemas.identiteit import KafkaTls

    ca, cert, key = Path("ca.pem"), Path("hub.pem"), Path("hub.key")
    assert KafkaTls.uit_bestanden(None, None, None) is None
    assert KafkaTls.uit_bestanden(ca, cert, key) == KafkaTls(ca, cert, key)
    with pytest.raises(ValueError, match="all or none"):
        KafkaTls.uit_bestanden(ca, cert, None)
    for settings in (Settings, ConnectorSettings):
        with pytest.raises(ValueError, match="all or none"):
            settings(kafka_ssl_cafile=ca, kafka_ssl_certfile=cert)
        assert settings(
            kafka_ssl_cafile=ca, kafka_ssl_certfile=cert, kafka_ssl_keyfile=key
        ).kafka_tls
