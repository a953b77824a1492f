"""Delivery to the CJIB back-office (``POST /cjib/opschortingsverzoeken``)."""

from __future__ import annotations

from connectors.base.backoffice import BackofficeClient


class CjibClient(BackofficeClient):
    """The CJIB's *opschortingsverzoek* endpoint.

    Idempotent on ``referentieKetenpartner`` (the instruction's event id): a repeat returns the
    same ``cjibReferentie`` without a second suspension.
    """

    pad = "/cjib/opschortingsverzoeken"
