"""Helpers shared by the test suites: real processes, Kafka topics and events, loket requests."""
