"""Relay services: the domain logic between the API and the chain / database."""
