"""Schemathesis against the relay (real ganache, real SQLite): every operation, every role's key
and none, valid and invalid data; no answer may be a 5xx or break the OpenAPI document.
`make fuzz` runs the same with many more examples (YILIAN_FUZZ_EXAMPLES) and prints the counts."""

import os

import pytest

from yilian.relay.db.migrate import upgrade

from .fuzzing import fuzz
from .scenario import Scenario

# hypothesis-jsonschema warns about jsonschema's RefResolver on every generated case.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
EXAMPLES = int(os.environ.get("YILIAN_FUZZ_EXAMPLES", "2"))


@pytest.fixture
def database_url(tmp_path):
    """SQLite only: the contract is the HTTP edge's; the database kinds are tested elsewhere."""
    url = f"sqlite:///{tmp_path / 'relay.db'}"
    upgrade(url)
    return url


def test_no_input_gets_a_server_error_or_an_answer_outside_the_contract(relay, face_provider):
    scenario = Scenario(relay, face_provider)
    activity, volunteer = scenario.activity_and_volunteer()  # something for small ids to find
    scenario.serve(activity, volunteer, 600)
    seed = int(os.environ.get("YILIAN_FUZZ_SEED", "0"))
    tally = fuzz(relay, EXAMPLES, seed=seed, organisation=activity["organisation_id"])
    print(f"\nfuzz: {tally.summary()}")
    assert tally.requests > 0
    assert (tally.server_errors, tally.schema_violations) == (0, 0), "\n".join(tally.examples)
