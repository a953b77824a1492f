"""``make bench``: the hub measured against raw Kafka on the same broker, in the same run.

``python -m bench [--smoke] [--json]``; see ``bench/__main__.py``. Modules: ``broker`` (the broker,
its topics and ACLs), ``raw`` (aiokafka alone: pass-through and round trip), ``chain`` (the stack's
time-out orders: throughput and latency), ``memory`` (resident memory of the stack's processes),
``report`` (each figure beside its reference, ratio and target).
"""
