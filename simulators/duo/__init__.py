"""SIMULATOR of the DUO back-office (not the real agency interface)."""

from simulators.duo.app import SEED, create_app

__all__ = ["SEED", "create_app"]
