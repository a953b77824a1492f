"""Casus lifecycle events as contract messages (``maatwerk.casus.v1``)."""
