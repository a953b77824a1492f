"""The registries are data wired in ``hub.bootstrap``: every domain event has its translation,
every answer type its route, and a second entry for one key is refused when the table is built
(not left to whichever module happened to be imported last)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import hub.domain
from hub.bootstrap import ANTWOORD_ROUTES, INSTRUMENTLIJSTEN, VERTALINGEN
from hub.domain.model import Gebeurtenis
from hub.domain.opschorting import Opgedragen
from hub.service import aflevering, afwijking, deelname, informatie, opschorting
from hub.service.berichten import opschorting as opschorting_berichten
from hub.service.berichten import vertaaltabel
from hub.service.instrumentlijst import lijsttabel
from hub.service.routes import routetabel


def _domain_events() -> set[type[Gebeurtenis]]:
    for module in pkgutil.iter_modules(hub.domain.__path__):
        importlib.import_module(f"hub.domain.{module.name}")
    found: set[type[Gebeurtenis]] = set()
    todo = [Gebeurtenis]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    # Bases that only share fields (``CasusGebeurtenis``) are never recorded themselves.
    return {soort for soort in found if not soort.__subclasses__()}


def test_every_domain_event_an_aggregate_can_record_has_its_translation():
    """A missing one would fail the commit of that state change (``LookupError``)."""
    assert _domain_events() - set(VERTALINGEN) == set()


def test_a_second_translation_for_one_event_is_refused():
    with pytest.raises(ValueError, match="Opgedragen has a translation already"):
        vertaaltabel(
            opschorting_berichten.VERTALINGEN,
            {Opgedragen: opschorting_berichten.VERTALINGEN[Opgedragen]},
        )


def test_the_answer_routes_are_the_instruments_routes_and_a_second_one_is_refused():
    routes = {
        opschorting.ANTWOORD_ROUTE,
        informatie.ANTWOORD_ROUTE,
        aflevering.ANTWOORD_ROUTE,
        deelname.ANTWOORD_ROUTE,
    }
    assert set(ANTWOORD_ROUTES.values()) == routes
    with pytest.raises(ValueError, match="has a route already"):
        routetabel(
            [opschorting.ANTWOORD_ROUTE, aflevering.ANTWOORD_ROUTE, opschorting.ANTWOORD_ROUTE]
        )


def test_a_second_list_of_one_kind_in_the_casus_view_is_refused():
    with pytest.raises(ValueError, match="lists afwijkingen already"):
        lijsttabel(*INSTRUMENTLIJSTEN, afwijking.INSTRUMENTLIJST)
