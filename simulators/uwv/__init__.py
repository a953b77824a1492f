"""SIMULATOR of the UWV back-office (not the real agency interface)."""

from simulators.uwv.app import SEED, create_app

__all__ = ["SEED", "create_app"]
