"""Hours count only for an activity the registry knows."""

import pytest
from helpers_ledger import reverts_with


@pytest.mark.parametrize("activity_id", [0, 2])
def test_unknown_activity_reverts_with_unknown_activity(ledger, activity, volunteers, sign, activity_id):
    alice, _ = volunteers
    with reverts_with("HourLedgerUnknownActivity", activity_id):
        ledger.attest(sign(alice, activity_id), {"from": alice})
