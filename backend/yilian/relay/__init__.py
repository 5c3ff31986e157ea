"""Relay: verifies check-ins, signs attestations and submits them through a durable outbox."""
