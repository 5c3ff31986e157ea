"""The relay under test, on freshly deployed contracts, after the shared journey."""

from tests.backend.audit.journey import (  # noqa: F401 - fixtures
    database_url,
    face_provider,
    journey,
    journey_chain,
    relay,
    relay_chain,
)
