"""Machinery shared by the simulated back-offices (not an agency of its own)."""

from simulators.common.app import Simulator, lees_seedbestand, maak_app
from simulators.common.register import (
    Opschorting,
    Persoon,
    Register,
    Vordering,
    Wijziging,
    WijzigingSoort,
    elfproef,
)
from simulators.common.velden import Bsn, CamelModel, centen

__all__ = [
    "Bsn",
    "CamelModel",
    "Opschorting",
    "Persoon",
    "Register",
    "Simulator",
    "Vordering",
    "Wijziging",
    "WijzigingSoort",
    "centen",
    "elfproef",
    "lees_seedbestand",
    "maak_app",
]
