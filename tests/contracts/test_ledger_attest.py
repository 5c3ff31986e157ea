"""An accepted attestation adds the session's minutes, mints its points and records it."""

import pytest
from helpers_ledger import AttestationStatus, attestation_of, create_activity, uid_of


@pytest.fixture
def signed(activity, volunteers, sign):
    alice, _ = volunteers
    return sign(alice, activity, session=3, minutes=45, evidence=b"\xee" * 32)


def test_accepted_attestation_is_announced_with_every_field(ledger, bob, activity, volunteers, signed):
    """Every field but the signer, which the transaction's input carries."""
    alice, _ = volunteers
    fields = signed[0]
    tx = ledger.attest(signed, {"from": bob})  # anyone may submit

    assert tx.events["HoursAttested"] == {
        "uid": uid_of(alice, activity, 3),
        "volunteer": alice,
        "activityId": activity,
        "session": 3,
        "checkIn": fields[3],
        "checkOut": fields[4],
        "serviceMinutes": 45,
        "points": 750,
        "evidenceHash": "0x" + "ee" * 32,
    }


def test_accepted_attestation_adds_minutes_and_mints_points(ledger, yicoin, bob, activity, volunteers, signed):
    alice, _ = volunteers
    ledger.attest(signed, {"from": bob})

    assert ledger.minutesServed(alice) == 45
    assert ledger.minutesInActivity(alice, activity) == 45
    assert attestation_of(ledger, alice, activity, 3) == (
        uid_of(alice, activity, 3),
        AttestationStatus.ACCEPTED,
        45,
    )
    assert yicoin.balanceOf(alice) == 750
    assert yicoin.balanceOf(bob) == 0


def test_attest_returns_the_session_uid(ledger, bob, activity, volunteers, signed):
    alice, _ = volunteers
    assert ledger.attest.call(signed, {"from": bob}) == uid_of(alice, activity, 3)


def test_minutes_served_add_up_over_activities(ledger, registry, organiser, activity, volunteers, sign):
    alice, _ = volunteers
    other = create_activity(registry, organiser)
    ledger.attest(sign(alice, activity, minutes=45), {"from": alice})
    ledger.attest(sign(alice, other, minutes=20), {"from": alice})

    assert ledger.minutesServed(alice) == 65
    assert ledger.minutesInActivity(alice, activity) == 45
    assert ledger.minutesInActivity(alice, other) == 20
