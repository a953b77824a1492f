"""Reading an agency's HTTP answer, the same way for every agency and every request.

Every agency answers in the same pattern with its own field names: a success body (2xx), an error
body with a code and a text, a table of which codes mean which standard refusal. An agency
declares that as data, an :class:`Antwoordlezer` over its own reader models, and the reading
itself happens here:

- 2xx: the success model, and its :meth:`Gelukt.uitkomst` (the agency's field mapping);
- a status in ``weigering`` (e.g. 422): a :class:`~connectors.base.opschorting.Weigering` with the
  standard code from ``codes`` and ``"<code>: <text>"`` as reason;
- any other status (a client error that is no answer): :class:`~connectors.base.opdracht.
  Onverwerkbaar` ``backoffice-afgewezen``: the back-office rejected the request itself, so the
  runtime dead-letters the instruction and reports it to the hub (retrying will not help);
- a body that does not fit the models: ``onverwerkbaar``.

Usage::

    class _Stop(Gelukt[Uitkomst]):
        stopKenmerk: str

        def uitkomst(self) -> Uitkomst:
            return Bevestiging(referentie=self.stopKenmerk)

    class _Fout(Foutbericht):
        foutcode: str
        omschrijving: str = ""

        def code_en_tekst(self) -> tuple[str, str]:
            return self.foutcode, self.omschrijving

    lees = Antwoordlezer("Belastingdienst", gelukt=_Stop, fout=_Fout, codes={...})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar, Opdracht
from connectors.base.opschorting import Weigering, onverwacht
from schemas.opschorting import Redencode, VorderingResultaat

T = TypeVar("T")


class Lezer(BaseModel):
    """Base of the models that read an agency's answer: fields it does not need are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Gelukt(Lezer, Generic[T]):
    """An agency's success body; :meth:`uitkomst` maps its fields to the outcome."""

    def uitkomst(self) -> T:
        raise NotImplementedError


class Foutbericht(Lezer):
    """An agency's error body; :meth:`code_en_tekst` says which fields hold code and text."""

    def code_en_tekst(self) -> tuple[str, str]:
        raise NotImplementedError

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        """Per-claim results the agency reports with a refusal (none by default)."""
        return ()


@dataclass(frozen=True)
class Antwoordlezer(Generic[T]):
    """Reads one kind of answer of one agency (see the module docstring)."""

    agency: str
    """The agency's name in texts (``Unexpected answer from the <agency> back-office``)."""
    gelukt: type[Gelukt[T]]
    fout: type[Foutbericht]
    codes: Mapping[str, Redencode] = field(default_factory=dict)
    """The agency's refusal code -> the standard reason code."""
    weigering: frozenset[int] = frozenset({422})
    """Statuses that are a business refusal (another non-2xx is the request rejected)."""
    overige: Redencode = Redencode.ONVERWERKBAAR
    """The standard code of a refusal whose code is not in ``codes``."""

    def __call__(self, opdracht: Opdracht[Any], antwoord: BackofficeAntwoord) -> T | Weigering:
        """Read ``antwoord``; a refusal names ``opdracht.referentie`` (what it would change)."""
        if not 200 <= antwoord.status < 300 and antwoord.status not in self.weigering:
            raise Onverwerkbaar(
                DeadLetterReden.BACKOFFICE_AFGEWEZEN,
                f"the {self.agency} back-office rejected the request: HTTP {antwoord.status}",
            )
        try:
            if 200 <= antwoord.status < 300:
                return self.gelukt.model_validate(antwoord.body).uitkomst()
            fout = self.fout.model_validate(antwoord.body)
            code, tekst = fout.code_en_tekst()
            return Weigering(
                redencode=self.codes.get(code, self.overige),
                reden=f"{code}: {tekst}",
                referentie=opdracht.referentie,
                vorderingen=fout.vorderingen(),
            )
        except ValidationError:
            return onverwacht(self.agency, antwoord.status)
