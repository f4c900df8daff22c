"""Benchmark harness for OpenIPS (see bench/README.md and BENCHMARKS.md)."""
