"""CJIB: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
CJIB back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.cjib.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="CJIB",
    fout=Fout,
    onbekend="BETROKKENE_ONBEKEND",
    uitnodigingen="/cjib/overleguitnodigingen",
    terugbetalingen="/cjib/terugbetalingsverzoeken",
    sleutelveld="referentieKetenpartner",
    personenveld="betrokkenen",
    persoonveld="burgerservicenummer",
    referentieveld="cjibReferentie",
    bedrag_in_centen=False,
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
