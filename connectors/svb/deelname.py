"""SVB: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
SVB back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.svb.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="SVB",
    fout=Fout,
    onbekend="KLANT_ONBEKEND",
    uitnodigingen="/svb/api/overleguitnodigingen",
    terugbetalingen="/svb/api/terugbetalingsverzoeken",
    sleutelveld="aanvraagId",
    personenveld="klanten",
    referentieveld="svbNummer",
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
