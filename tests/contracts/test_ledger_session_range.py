"""A volunteer has at most 16 sessions (0..15) in one activity."""

import pytest
from helpers_ledger import AttestationStatus, attestation_of, reverts_with


def test_last_session_is_accepted(ledger, activity, volunteers, sign):
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, session=15, minutes=600), {"from": alice})

    assert attestation_of(ledger, alice, activity, 15)[1:] == (AttestationStatus.ACCEPTED, 600)
    assert ledger.minutesInActivity(alice, activity) == 600


@pytest.mark.parametrize("session", [16, 65_535])
def test_session_from_16_reverts_with_session_out_of_range(ledger, activity, volunteers, sign, session):
    alice, _ = volunteers
    with reverts_with("HourLedgerSessionOutOfRange", session, 16):
        ledger.attest(sign(alice, activity, session=session), {"from": alice})
