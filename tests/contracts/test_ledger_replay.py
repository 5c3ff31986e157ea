"""A session is accepted once: its uid comes from (volunteer, activity, session), so a replay
or a second attestation of the same session changes nothing."""

import pytest
from helpers_ledger import reverts_with, uid_of


@pytest.fixture
def accepted(ledger, activity, volunteers, sign):
    alice, _ = volunteers
    signed = sign(alice, activity, minutes=45)
    ledger.attest(signed, {"from": alice})
    return signed


def test_replayed_session_reverts_with_already_accepted(ledger, yicoin, bob, activity, volunteers, accepted):
    alice, _ = volunteers
    with reverts_with("HourLedgerAlreadyAccepted", uid_of(alice, activity, 0)):
        ledger.attest(accepted, {"from": bob})
    assert ledger.minutesServed(alice) == 45
    assert yicoin.balanceOf(alice) == 750


def test_other_attestation_of_an_accepted_session_reverts_with_already_accepted(
    ledger, activity, volunteers, sign, accepted
):
    alice, _ = volunteers
    with reverts_with("HourLedgerAlreadyAccepted", uid_of(alice, activity, 0)):
        ledger.attest(sign(alice, activity, session=0, minutes=90), {"from": alice})


def test_replayed_revoked_session_reverts_with_already_revoked(ledger, auditor, activity, volunteers, accepted):
    alice, _ = volunteers
    ledger.revoke(alice, activity, 0, "checked in twice", {"from": auditor})

    with reverts_with("HourLedgerAlreadyRevoked", uid_of(alice, activity, 0)):
        ledger.attest(accepted, {"from": alice})
    assert ledger.minutesServed(alice) == 0


def test_same_session_of_another_volunteer_is_accepted(ledger, activity, volunteers, sign, accepted):
    _, bob = volunteers
    ledger.attest(sign(bob, activity, session=0), {"from": bob})

    assert ledger.minutesInActivity(bob, activity) == 45
