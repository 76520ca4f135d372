"""Benchmarks run by `make bench`: each `bench/bench_*.py` exposes `run() -> dict` of figures."""
