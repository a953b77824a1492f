"""SIMULATOR of the CJIB back-office (not the real agency interface)."""

from simulators.cjib.app import SEED, create_app

__all__ = ["SEED", "create_app"]
