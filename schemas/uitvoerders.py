"""The project's own agencies, as their packages describe them.

Each is registered in ``pyproject.toml`` under the entry-point group
``maatwerk_hub.agencies`` (:data:`schemas.organisaties.ENTRY_POINT_GROUP`), exactly as an outside
agency's package registers its own; nothing in the project reads this module by name.
"""

from __future__ import annotations

from schemas.organisaties import Uitvoeringsorganisatie as U

BELASTINGDIENST = U(
    "belastingdienst", "Belastingdienst", "00000001999999990101", "connector-belastingdienst",
    poort=8101,
)  # fmt: skip
CJIB = U(
    "cjib", "Centraal Justitieel Incassobureau", "00000001999999990102", "connector-cjib",
    poort=8102,
)  # fmt: skip
DUO = U("duo", "Dienst Uitvoering Onderwijs", "00000001999999990103", "connector-duo", poort=8103)
CAK = U(
    "cak", "Centraal Administratie Kantoor", "00000001999999990104", "connector-cak", poort=8104
)
SVB = U("svb", "Sociale Verzekeringsbank", "00000001999999990105", "connector-svb", poort=8105)
UWV = U(
    "uwv", "Uitvoeringsinstituut Werknemersverzekeringen", "00000001999999990106",
    "connector-uwv", poort=8106,
)  # fmt: skip
IND = U(
    "ind", "Immigratie- en Naturalisatiedienst", "00000001999999990107", "connector-ind",
    poort=8107,
)  # fmt: skip
GEMEENTE = U(
    "gemeente", "Gemeente (voorbeeld)", "00000001999999990108", "connector-gemeente", poort=8108,
    per_gemeente=True,
)  # fmt: skip
