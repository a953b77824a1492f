"""SIMULATOR of the Belastingdienst back-office (not the real agency interface)."""

from simulators.belastingdienst.app import SEED, create_app

__all__ = ["SEED", "create_app"]
