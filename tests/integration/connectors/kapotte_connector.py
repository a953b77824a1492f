"""A deliberately broken CJIB connector for the conformance kit's test. The defect is chosen by
``KAPOTTE_CONNECTOR``:

- ``bsn-in-log``: a debug print of the BSN of every time-out order it delivers (past the log
  format's masking, as a stray ``print`` is);
- ``sleutel-per-poging``: a fresh idempotency key (``referentieKetenpartner``) on every attempt,
  so a redelivered order is a second suspension.

Run as ``KAPOTTE_CONNECTOR=... python kapotte_connector.py run --agency cjib``.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from typing import Any

import connectors.cjib
from connectors.base.backoffice import HttpVerzoek
from connectors.base.opdracht import Opdracht
from connectors.cjib.vertaling import OPDRACHT
from connectors.cli import app
from schemas.opschorting import OpschortingInstructie


def _bsn_in_log(opdracht: Opdracht[OpschortingInstructie]) -> Any:
    print(f"DEBUG delivering time-out order for {opdracht.bsns[0]}", flush=True)
    return OPDRACHT.naar_verzoek(opdracht)


def _sleutel_per_poging(opdracht: Opdracht[OpschortingInstructie]) -> Any:
    verzoek = OPDRACHT.naar_verzoek(opdracht)
    if isinstance(verzoek, HttpVerzoek) and verzoek.body is not None:
        body = {**verzoek.body, "referentieKetenpartner": str(uuid.uuid4())}
        return dataclasses.replace(verzoek, body=body)
    return verzoek


DEFECTEN = {"bsn-in-log": _bsn_in_log, "sleutel-per-poging": _sleutel_per_poging}

connectors.cjib.KOPPELING = dataclasses.replace(
    connectors.cjib.KOPPELING,
    vertalingen={
        **connectors.cjib.KOPPELING.vertalingen,
        OpschortingInstructie.event_type: dataclasses.replace(
            OPDRACHT, naar_verzoek=DEFECTEN[os.environ["KAPOTTE_CONNECTOR"]]
        ),
    },
)

if __name__ == "__main__":
    app()
