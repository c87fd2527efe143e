"""Benchmarks: scripts run by hand against a database of their own (see docs/)."""
