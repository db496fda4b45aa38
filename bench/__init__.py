"""Benchmarks: a fictional corpus generator, an equivalent Hugo site, and the harness."""
