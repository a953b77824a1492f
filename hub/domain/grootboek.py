"""The books of one bridging (overbrugging): a double-entry ledger in whole euro cents.

Every amount is booked twice, on the debit side of one account and the credit side of another,
so the books always balance (the sum of all balances is zero). The accounts:

- ``betaald``: what the pre-financing party paid out to care providers (credit);
- ``voorfinanciering``: pre-financed and not yet charged to a responsible party (debit);
- ``te-vorderen:<OIN>``: what the responsible party with that OIN still owes (debit);
- ``ontvangen``: what came back in repayments (debit).

A payment books ``voorfinanciering`` / ``betaald``; once the LET has designated a responsible
party, the pre-financed balance moves to that party's ``te-vorderen`` account (and a later payment
follows it there at once); a repayment books ``ontvangen`` / ``te-vorderen:<OIN>``. So
*outstanding* = pre-financed - repaid = ``voorfinanciering`` + every ``te-vorderen``, and no
account may go below zero on its own side: a repayment above what the party owes is refused.

The ledger is an immutable value: a booking returns a new :class:`Grootboek` or raises
:class:`OngeldigeBoeking` naming the field, and the old value is untouched, so a refused booking
writes nothing. Pure Python: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BETAALD = "betaald"
VOORFINANCIERING = "voorfinanciering"
ONTVANGEN = "ontvangen"
TE_VORDEREN = "te-vorderen:"

MAX_CENTEN = 100_000_000_000
"""The most one booking may carry (EUR 1,000,000,000.00): far above any care bill, and far below
what a 64-bit column can sum."""


def te_vorderen(oin: str) -> str:
    """The account of what the responsible party with this OIN owes."""
    return f"{TE_VORDEREN}{oin}"


class OngeldigeBoeking(ValueError):
    """A booking that would break a rule of the books; names the field of the request at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Boeking:
    """One amount on two accounts: debit ``debet``, credit ``credit``."""

    debet: str
    credit: str
    centen: int
    referentie: str
    """What it books: the payment's, the designation's or the repayment's id."""


def geldig_bedrag(centen: object, field: str = "bedrag_centen") -> int:
    """``centen`` as a booking may carry it: a whole positive number of cents (never a float or a
    bool), at most :data:`MAX_CENTEN`."""
    if type(centen) is not int:
        raise OngeldigeBoeking(field, f"{field} must be whole euro cents (an integer)")
    if centen <= 0:
        raise OngeldigeBoeking(field, f"{field} must be more than zero cents, not {centen}")
    if centen > MAX_CENTEN:
        raise OngeldigeBoeking(field, f"{field} may be at most {MAX_CENTEN} cents")
    return centen


@dataclass(frozen=True, slots=True)
class Grootboek:
    """The bookings of one bridging, oldest first, and what they add up to."""

    boekingen: tuple[Boeking, ...] = ()
    verantwoordelijke: str | None = None
    """The OIN of the responsible party, once designated: later payments are charged to it."""

    def saldo(self, rekening: str) -> int:
        """Debit minus credit on one account."""
        return sum(
            (b.centen if b.debet == rekening else 0) - (b.centen if b.credit == rekening else 0)
            for b in self.boekingen
        )

    def saldi(self) -> dict[str, int]:
        """Every account that was booked on, and its balance."""
        saldi: dict[str, int] = {}
        for b in self.boekingen:
            saldi[b.debet] = saldi.get(b.debet, 0) + b.centen
            saldi[b.credit] = saldi.get(b.credit, 0) - b.centen
        return saldi

    @property
    def in_balans(self) -> bool:
        return sum(self.saldi().values()) == 0

    @property
    def voorgefinancierd(self) -> int:
        return -self.saldo(BETAALD)

    @property
    def terugbetaald(self) -> int:
        return self.saldo(ONTVANGEN)

    @property
    def openstaand(self) -> int:
        """Pre-financed and not repaid."""
        return self.voorgefinancierd - self.terugbetaald

    def openstaand_bij(self, oin: str) -> int:
        """What the responsible party with this OIN still owes."""
        return self.saldo(te_vorderen(oin))

    def per_verantwoordelijke(self) -> dict[str, int]:
        """Outstanding per responsible party (by OIN)."""
        return {
            rekening.removeprefix(TE_VORDEREN): saldo
            for rekening, saldo in self.saldi().items()
            if rekening.startswith(TE_VORDEREN)
        }

    def betaal(self, centen: int, referentie: str) -> Grootboek:
        """A pre-financing payment; charged to the responsible party at once when there is one."""
        geldig_bedrag(centen)
        boekingen = [Boeking(VOORFINANCIERING, BETAALD, centen, referentie)]
        if (verantwoordelijke := self.verantwoordelijke) is not None:
            boekingen.append(
                Boeking(te_vorderen(verantwoordelijke), VOORFINANCIERING, centen, referentie)
            )
        return self._met(boekingen)

    def wijs_toe(self, oin: str, referentie: str) -> Grootboek:
        """The responsible party is designated: what was pre-financed is now owed by it."""
        if self.verantwoordelijke is not None:
            raise OngeldigeBoeking(
                "verantwoordelijke_oin",
                f"{self.verantwoordelijke} is the responsible party already",
            )
        centen = self.saldo(VOORFINANCIERING)
        boekingen = (
            [Boeking(te_vorderen(oin), VOORFINANCIERING, centen, referentie)] if centen else []
        )
        return self._met(boekingen, verantwoordelijke=oin)

    def ontvang(self, oin: str, centen: int, referentie: str) -> Grootboek:
        """A repayment by the responsible party: at most what it owes."""
        geldig_bedrag(centen)
        schuld = self.openstaand_bij(oin)
        if centen > schuld:
            raise OngeldigeBoeking(
                "bedrag_centen", f"bedrag {centen} is more than {oin} owes ({schuld} cents)"
            )
        return self._met([Boeking(ONTVANGEN, te_vorderen(oin), centen, referentie)])

    def _met(
        self, boekingen: Iterable[Boeking], *, verantwoordelijke: str | None = None
    ) -> Grootboek:
        nieuw = Grootboek(
            (*self.boekingen, *boekingen), verantwoordelijke or self.verantwoordelijke
        )
        nieuw.toets()
        return nieuw

    def toets(self) -> None:
        """The rules every state of the books keeps (checked after each booking, and on a ledger
        read back from the store): balanced, each account on its own side, outstanding >= 0."""
        for b in self.boekingen:
            if type(b.centen) is not int or b.centen <= 0:
                raise OngeldigeBoeking(
                    "bedrag_centen", f"booking {b.referentie} is not a positive cents"
                )
            if b.debet == b.credit:
                raise OngeldigeBoeking(
                    "bedrag_centen", f"booking {b.referentie} is on one account only"
                )
        saldi = self.saldi()
        if sum(saldi.values()) != 0:
            raise OngeldigeBoeking("bedrag_centen", "the books do not balance")
        for rekening, saldo in saldi.items():
            if rekening.startswith(TE_VORDEREN) and rekening != te_vorderen(
                self.verantwoordelijke or ""
            ):
                raise OngeldigeBoeking(
                    "bedrag_centen", f"{rekening} is not the responsible party's"
                )
            kant = -1 if rekening == BETAALD else 1
            if saldo * kant < 0:
                raise OngeldigeBoeking(
                    "bedrag_centen", f"account {rekening} would be {saldo} cents"
                )
        if self.openstaand < 0:
            raise OngeldigeBoeking("bedrag_centen", "more repaid than pre-financed")
