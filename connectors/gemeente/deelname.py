"""gemeente: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
gemeente back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.gemeente.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="gemeente",
    fout=Fout,
    onbekend="BURGER_NIET_INGESCHREVEN",
    uitnodigingen="/overleguitnodigingen",
    terugbetalingen="/terugbetalingsverzoeken",
    personenveld="burgers",
    referentieveld="zaaknummer",
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
