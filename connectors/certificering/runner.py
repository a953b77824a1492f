"""Runs a battery of checks in order and fills in the certificate."""

from __future__ import annotations

import time
from collections.abc import Sequence

from connectors.certificering.certificaat import Certificaat, Controle, Resultaat


async def voer_uit(controles: Sequence[Controle], certificaat: Certificaat) -> Certificaat:
    """Run every check, even after a failure (the certificate names all that fail); a check
    that raises has failed, with the error as its evidence."""
    for controle in controles:
        begin = time.monotonic()
        try:
            uitkomst = await controle.uitvoeren()
            geslaagd, bewijs = uitkomst.geslaagd, uitkomst.bewijs
        except Exception as exc:
            geslaagd, bewijs = False, f"error: {type(exc).__name__}: {exc}"
        certificaat.resultaten.append(
            Resultaat(
                naam=controle.naam,
                bewijst=controle.bewijst,
                geslaagd=geslaagd,
                bewijs=bewijs,
                seconden=time.monotonic() - begin,
            )
        )
    return certificaat
