"""Benchmarks for DESIGN "Performance targets" (`make bench`, `python -m bench.run [name …]`).

Every benchmark starts its own throwaway servers, measures its references in the same run and reports
ratios to them; results go to `bench/results/` and, by hand, to `bench/README.md`. Nothing here is a
timed assertion.
"""
