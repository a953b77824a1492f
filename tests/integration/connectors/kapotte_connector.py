"""A deliberately broken CJIB connector for the conformance kit's test: it logs the BSN of every
time-out order it delivers. Run as ``python kapotte_connector.py run --agency cjib``."""

from __future__ import annotations

import dataclasses
from typing import Any

import structlog

import connectors.cjib
from connectors.base.opdracht import Opdracht
from connectors.cjib.vertaling import OPDRACHT
from connectors.cli import app
from schemas.opschorting import OpschortingInstructie

log = structlog.get_logger("connectors")


def _lekkend(opdracht: Opdracht[OpschortingInstructie]) -> Any:
    log.info("delivering time-out order", bsn=opdracht.bsns[0])  # the defect under test
    return OPDRACHT.naar_verzoek(opdracht)


connectors.cjib.KOPPELING = dataclasses.replace(
    connectors.cjib.KOPPELING,
    vertalingen={
        **connectors.cjib.KOPPELING.vertalingen,
        OpschortingInstructie.event_type: dataclasses.replace(OPDRACHT, naar_verzoek=_lekkend),
    },
)

if __name__ == "__main__":
    app()
