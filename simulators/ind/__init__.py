"""SIMULATOR of the IND back-office (not the real agency interface)."""

from simulators.ind.app import SEED, create_app

__all__ = ["SEED", "create_app"]
