"""SIMULATOR of a municipal social-services back-office hosting several municipalities (not a
real municipality's interface)."""

from simulators.gemeente.app import SEED, create_app

__all__ = ["SEED", "create_app"]
