"""An auditor's revocation marks the session revoked, subtracts its minutes, burns its points
and says who did it and why."""

import pytest
from helpers_ledger import AttestationStatus, attestation_of, uid_of


@pytest.fixture
def served(ledger, activity, volunteers, sign):
    """Alice has two sessions: 45 min (7.50 益币) and 30 min (5.00 益币)."""
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, session=0, minutes=45), {"from": alice})
    ledger.attest(sign(alice, activity, session=1, minutes=30), {"from": alice})
    return alice


def test_revocation_is_announced_with_minutes_points_auditor_and_reason(ledger, auditor, activity, served):
    tx = ledger.revoke(served, activity, 0, "signed in for a friend", {"from": auditor})

    assert tx.events["HoursRevoked"] == {
        "uid": uid_of(served, activity, 0),
        "volunteer": served,
        "activityId": activity,
        "serviceMinutes": 45,
        "pointsBurned": 750,
        "pointsUnrecovered": 0,
        "auditor": auditor,
        "reason": "signed in for a friend",
    }


def test_revocation_reverses_minutes_and_points_of_that_session_only(ledger, yicoin, auditor, activity, served):
    ledger.revoke(served, activity, 0, "signed in for a friend", {"from": auditor})

    assert attestation_of(ledger, served, activity, 0) == (
        uid_of(served, activity, 0),
        AttestationStatus.REVOKED,
        0,
    )
    assert attestation_of(ledger, served, activity, 1)[1:] == (AttestationStatus.ACCEPTED, 30)
    assert ledger.minutesInActivity(served, activity) == 30
    assert ledger.minutesServed(served) == 30
    assert yicoin.balanceOf(served) == 500
    assert yicoin.totalSupply() == 500


def test_revoked_minutes_free_the_cap_for_a_new_session(ledger, auditor, activity, served, sign):
    ledger.revoke(served, activity, 0, "wrong duration", {"from": auditor})

    ledger.attest(sign(served, activity, session=2, minutes=570), {"from": served})

    assert ledger.minutesInActivity(served, activity) == 600
