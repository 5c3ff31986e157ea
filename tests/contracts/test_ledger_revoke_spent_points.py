"""Revocation burns only what the volunteer still holds; points already spent at a merchant
stay with the merchant and are reported as unrecovered."""

import pytest


@pytest.fixture
def earned(ledger, alliance, activity, volunteers, sign):
    """Alice earned 7.50 益币 for 45 minutes (the alliance exists so she can spend them)."""
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, minutes=45), {"from": alice})
    return alice


@pytest.mark.parametrize("spent", [500, 750], ids=["partly spent", "all spent"])
def test_revocation_burns_the_balance_and_reports_the_spent_rest_unrecovered(
    ledger, yicoin, auditor, merchant, activity, earned, spent
):
    yicoin.transfer(merchant, spent, {"from": earned})

    tx = ledger.revoke(earned, activity, 0, "no-show", {"from": auditor})

    revoked = tx.events["HoursRevoked"]
    assert (revoked["pointsBurned"], revoked["pointsUnrecovered"]) == (750 - spent, spent)
    assert yicoin.balanceOf(earned) == 0
    assert yicoin.balanceOf(merchant) == spent
    assert yicoin.totalSupply() == spent
    assert ledger.minutesServed(earned) == 0
