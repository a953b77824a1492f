"""Time-out events as contract messages (``maatwerk.opschorting.v1`` and the agencies' instruction
topics)."""
