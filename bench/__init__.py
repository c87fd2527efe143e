"""Benchmarks. `bench` is also a tiny Django app (an unmanaged model) that only bench/settings.py installs."""
