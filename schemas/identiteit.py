"""Who a party is: the OIN in its certificate, as Digikoppeling and FSC define it.

An organisation proves its identity with an X.509 certificate (PKIoverheid private root in
production; ``deploy/pki/local_ca.py`` for development and tests) whose subject holds its OIN in
``serialNumber``. Every party reads the identity the same way: :func:`oin_van_certificaat`, and
connects to Kafka the same way: :class:`KafkaTls`.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

_OIN = re.compile(r"[0-9]{20}")


class GeenOin(ValueError):
    """The certificate's subject holds no (single, valid) OIN."""


def oin_van_certificaat(certificaat: x509.Certificate | bytes | str) -> str:
    """The OIN in the subject's ``serialNumber`` of a certificate (PEM or DER, or parsed)."""
    if isinstance(certificaat, str):
        certificaat = certificaat.encode()
    if isinstance(certificaat, bytes):
        certificaat = (
            x509.load_pem_x509_certificate(certificaat)
            if certificaat.lstrip().startswith(b"-----BEGIN")
            else x509.load_der_x509_certificate(certificaat)
        )
    waarden = [a.value for a in certificaat.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)]
    if len(waarden) != 1 or not isinstance(waarden[0], str) or not _OIN.fullmatch(waarden[0]):
        raise GeenOin("the certificate's subject has no serialNumber with one 20-digit OIN")
    return waarden[0]


@dataclass(frozen=True, slots=True)
class KafkaTls:
    """How a party connects to Kafka: TLS, proving its identity with its own certificate.

    The broker takes no connection without a client certificate from the trusted CA, and makes the
    OIN in it the Kafka principal (``User:<OIN>``); the ACLs from the catalogue do the rest.
    """

    cafile: Path
    """The trust anchor: the CA that signed the broker's certificate (PEM)."""
    certfile: Path
    """This party's certificate (PEM), with its OIN in the subject's serialNumber."""
    keyfile: Path
    """Its private key (PEM)."""

    @classmethod
    def uit_bestanden(
        cls, cafile: Path | None, certfile: Path | None, keyfile: Path | None
    ) -> KafkaTls | None:
        """From three configured files: all three, or none (PLAINTEXT); a half configuration
        would silently go without TLS, so it is refused (``ValueError``)."""
        if cafile is None and certfile is None and keyfile is None:
            return None
        if cafile is None or certfile is None or keyfile is None:
            raise ValueError("kafka_ssl_cafile, kafka_ssl_certfile, kafka_ssl_keyfile: all or none")
        return cls(cafile, certfile, keyfile)

    @classmethod
    def uit_pki(cls, pki_dir: Path, code: str) -> KafkaTls:
        """The files ``deploy/pki/local_ca.py`` writes for organisation ``code``."""
        return cls(pki_dir / "ca.pem", pki_dir / f"{code}.pem", pki_dir / f"{code}.key")

    def context(self) -> ssl.SSLContext:
        """A client context: verifies the broker against ``cafile`` (host name included),
        presents ``certfile``; TLS 1.2 at least, as Digikoppeling asks."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(self.cafile))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(self.certfile), str(self.keyfile))
        return context

    def oin(self) -> str:
        """The OIN this party will be known by on the broker."""
        return oin_van_certificaat(self.certfile.read_bytes())

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        return {"security_protocol": "SSL", "ssl_context": self.context()}
