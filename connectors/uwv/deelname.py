"""UWV: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
UWV back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.uwv.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="UWV",
    fout=Fout,
    onbekend="KLANT_NIET_GEVONDEN",
    uitnodigingen="/uwv/overleguitnodigingen",
    terugbetalingen="/uwv/terugbetalingsverzoeken",
    sleutelveld="berichtId",
    personenveld="klanten",
    referentieveld="uwvKenmerk",
    bedrag_in_centen=False,
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
