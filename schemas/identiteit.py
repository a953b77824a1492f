"""Who a party is: the OIN in its certificate, as Digikoppeling and FSC define it.

An organisation proves its identity with an X.509 certificate (PKIoverheid private root in
production; ``deploy/pki/local_ca.py`` for development and tests) whose subject holds its OIN in
``serialNumber``. Every party reads the identity the same way: :func:`oin_van_certificaat`.
"""

from __future__ import annotations

import re

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
