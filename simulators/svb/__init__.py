"""SIMULATOR of the SVB back-office (not the real agency interface)."""

from simulators.svb.app import SEED, create_app

__all__ = ["SEED", "create_app"]
