"""A water board that joins maatwerk-hub from its own package (an example for the tests).

This module is what the hub, the stack runner and the certificate authority read: who the agency
is. It imports only ``schemas.organisaties``, so the hub loads it without the connector.
"""

from schemas.organisaties import Uitvoeringsorganisatie

WATERSCHAP = Uitvoeringsorganisatie(
    "waterschap",
    "Waterschap Voorbeeld",
    "00000001999999990109",
    "connector-waterschap",
    poort=8109,
)

__all__ = ["WATERSCHAP"]
