"""Benchmarks of the ingest against a floor and a peer, measured in one run on the same input."""
