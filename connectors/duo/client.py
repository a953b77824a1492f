"""Delivery to the DUO back-office (``POST /duo/v2/betalingspauzes``)."""

from __future__ import annotations

from connectors.base.backoffice import BackofficeClient


class DuoClient(BackofficeClient):
    """DUO's *betalingspauze* endpoint (v2).

    Idempotent on ``verzoekId`` (the instruction's event id): a repeat returns the same
    ``duoKenmerk`` without a second pause.
    """

    pad = "/duo/v2/betalingspauzes"
