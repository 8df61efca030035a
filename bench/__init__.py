"""Benchmarks: each script is one command that ends with one JSON line of figures."""
