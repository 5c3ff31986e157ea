"""An activity at 0 points per hour records minutes and mints nothing; revoking one of its
sessions burns nothing."""

import pytest
from helpers_ledger import AttestationStatus, attestation_of, create_activity


@pytest.fixture
def unpaid(registry, organiser):
    return create_activity(registry, organiser, points_per_hour=0)


def test_zero_rate_session_records_minutes_without_minting(ledger, yicoin, unpaid, volunteers, sign):
    alice, _ = volunteers
    tx = ledger.attest(sign(alice, unpaid, minutes=90), {"from": alice})

    assert tx.events["HoursAttested"]["points"] == 0
    assert "Transfer" not in tx.events
    assert ledger.minutesServed(alice) == 90
    assert yicoin.totalSupply() == 0


def test_revoking_a_zero_rate_session_burns_nothing(ledger, yicoin, auditor, unpaid, volunteers, sign):
    alice, _ = volunteers
    ledger.attest(sign(alice, unpaid, minutes=90), {"from": alice})

    tx = ledger.revoke(alice, unpaid, 0, "wrong activity", {"from": auditor})

    revoked = tx.events["HoursRevoked"]
    assert (revoked["serviceMinutes"], revoked["pointsBurned"], revoked["pointsUnrecovered"]) == (90, 0, 0)
    assert "Transfer" not in tx.events
    assert attestation_of(ledger, alice, unpaid, 0)[1] == AttestationStatus.REVOKED
    assert ledger.minutesServed(alice) == 0
