"""Belastingdienst: an invitation to an escalation and a repayment request of the bridging
procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
Belastingdienst back-office's style of them. The field mapping is in ``MAPPING.md`` next to
this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.belastingdienst.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="Belastingdienst",
    fout=Fout,
    onbekend="BELASTINGPLICHTIGE_ONBEKEND",
    uitnodigingen="/api/v1/overleguitnodigingen",
    terugbetalingen="/api/v1/terugbetalingsverzoeken",
    sleutelveld="kenmerkAanvrager",
    personenveld="belastingplichtigen",
    referentieveld="kenmerk",
    bedrag_in_centen=False,
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
