"""Delivery to the Belastingdienst back-office (``POST /api/v1/invorderingsstops``)."""

from __future__ import annotations

from connectors.base.backoffice import BackofficeClient


class BelastingdienstClient(BackofficeClient):
    """The Belastingdienst's *invorderingsstop* endpoint.

    Idempotent on ``verzoekKenmerk`` (the instruction's event id): a repeat returns the same
    ``stopKenmerk`` without a second stop.
    """

    pad = "/api/v1/invorderingsstops"
