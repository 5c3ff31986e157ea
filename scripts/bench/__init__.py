"""Helpers of scripts/bench_relay.py: servers, seeding, load generation, measurements."""
