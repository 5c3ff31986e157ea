"""Only an accepted, not yet revoked session can be revoked."""

import pytest
from helpers_ledger import reverts_with, uid_of


@pytest.mark.parametrize("session", [0, 16], ids=["never attested", "out of range"])
def test_revoking_a_session_never_accepted_reverts_with_not_accepted(ledger, auditor, activity, volunteers, session):
    alice, _ = volunteers
    with reverts_with("HourLedgerNotAccepted", uid_of(alice, activity, session)):
        ledger.revoke(alice, activity, session, "no such session", {"from": auditor})


def test_revoking_twice_reverts_with_already_revoked(ledger, yicoin, auditor, activity, volunteers, sign):
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, session=0, minutes=45), {"from": alice})
    ledger.attest(sign(alice, activity, session=1, minutes=30), {"from": alice})
    ledger.revoke(alice, activity, 0, "first", {"from": auditor})

    with reverts_with("HourLedgerAlreadyRevoked", uid_of(alice, activity, 0)):
        ledger.revoke(alice, activity, 0, "second", {"from": auditor})
    assert ledger.minutesServed(alice) == 30
    assert yicoin.balanceOf(alice) == 500
