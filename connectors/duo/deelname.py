"""DUO: an invitation to an escalation and a repayment request of the bridging procedure.

The requests and their reading are the base's (:mod:`connectors.base.deelname`); this is the
DUO back-office's style of them. The field mapping is in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from connectors.base import deelname
from connectors.duo.vertaling import Fout

STIJL = deelname.Deelnamestijl(
    agency="DUO",
    fout=Fout,
    onbekend="DEBITEUR_ONBEKEND",
    uitnodigingen="/duo/v2/overleguitnodigingen",
    terugbetalingen="/duo/v2/terugbetalingsverzoeken",
    sleutelveld="verzoekKenmerk",
    personenveld="debiteuren",
    referentieveld="duoKenmerk",
)

VERTALINGEN = deelname.vertalingen(STIJL)
"""The invitation and the repayment request, by instruction type."""
