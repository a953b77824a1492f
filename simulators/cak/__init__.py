"""SIMULATOR of the CAK back-office (not the real agency interface)."""

from simulators.cak.app import SEED, create_app

__all__ = ["SEED", "create_app"]
