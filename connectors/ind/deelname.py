"""IND: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
IND back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.ind.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="IND",
    fout=Fout,
    onbekend="PERSOON_ONBEKEND",
    uitnodigingen="/ind/leges/v1/overleguitnodigingen",
    terugbetalingen="/ind/leges/v1/terugbetalingsverzoeken",
    sleutelveld="verzoekId",
    personenveld="aanvragers",
    referentieveld="indNummer",
    bedrag_in_centen=False,
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
