"""The webhook trust store is read once per CA file version, not at every hub start or handshake,
and read again when the CA file is replaced."""

from __future__ import annotations

import os
import ssl

from hub.adapters.webhook import tls_context
from tests.support.pki import make_pki


def test_the_same_ca_file_gives_the_same_context_and_a_replaced_one_a_new_one(tmp_path):
    ca = make_pki(tmp_path / "pki").ca
    first = tls_context(ca)
    assert tls_context(ca) is first
    assert first.verify_mode == ssl.CERT_REQUIRED
    assert first.minimum_version == ssl.TLSVersion.TLSv1_2

    stat = ca.stat()
    os.utime(ca, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert tls_context(ca) is not first


def test_the_system_trust_store_is_read_once():
    assert tls_context(None) is tls_context(None)
    assert tls_context(None).verify_mode == ssl.CERT_REQUIRED
