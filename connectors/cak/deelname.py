"""CAK: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
CAK back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.cak.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="CAK",
    fout=Fout,
    onbekend="RELATIE_ONBEKEND",
    uitnodigingen="/cak/api/v1/overleguitnodigingen",
    terugbetalingen="/cak/api/v1/terugbetalingsverzoeken",
    sleutelveld="verzoek_id",
    personenveld="relaties",
    referentieveld="cak_referentie",
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
