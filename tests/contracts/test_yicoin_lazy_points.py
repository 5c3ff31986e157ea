"""益币 are minted lazily: an accepted session's points are owed by the ledger, counted at once by
balanceOf and totalSupply, and minted (Transfer from 0x0) just before the volunteer's first debit.
A revocation takes back owed points first, then burns minted ones; a pause freezes spending only."""

import pytest
from brownie import ZERO_ADDRESS
from helpers_market import reverts_with


def transfers(tx):
    return [(t["from"], t["to"], t["value"]) for t in tx.events["Transfer"]]


@pytest.fixture
def owed(ledger, alliance, activity, volunteers, sign):
    """Alice served 60 minutes (10.00 益币, owed), then 45 more (7.50 益币, owed)."""
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, session=0, minutes=60), {"from": alice})
    ledger.attest(sign(alice, activity, session=1, minutes=45), {"from": alice})
    return alice


def test_balance_and_supply_include_owed_points_right_after_an_attestation(
    ledger, yicoin, activity, volunteers, sign, sign_batch
):
    alice, bob = volunteers
    batch = [sign(alice, activity, minutes=60), sign(bob, activity, minutes=30)]

    tx = ledger.attestBatch(*sign_batch(batch), {"from": alice})

    assert "Transfer" not in tx.events
    assert (ledger.pointsOwed(alice), ledger.pointsOwed(bob), ledger.pointsOwedTotal()) == (1000, 500, 1500)
    assert (yicoin.balanceOf(alice), yicoin.balanceOf(bob), yicoin.totalSupply()) == (1000, 500, 1500)


def test_the_first_spend_mints_the_owed_points_then_transfers(ledger, yicoin, merchant, owed):
    tx = yicoin.transfer(merchant, 300, {"from": owed})

    assert transfers(tx) == [(ZERO_ADDRESS, owed, 1750), (owed, merchant, 300)]
    assert ledger.pointsOwed(owed) == ledger.pointsOwedTotal() == 0
    assert (yicoin.balanceOf(owed), yicoin.balanceOf(merchant), yicoin.totalSupply()) == (1450, 300, 1750)


def test_a_later_spend_mints_nothing_more(ledger, yicoin, merchant, owed):
    yicoin.transfer(merchant, 300, {"from": owed})

    tx = yicoin.transfer(merchant, 200, {"from": owed})

    assert transfers(tx) == [(owed, merchant, 200)]
    assert yicoin.totalSupply() == 1750


def test_a_redemption_spends_owed_points(ledger, yicoin, alliance, offer, owed):
    tx = alliance.redeem(offer, 2, 600, {"from": owed})

    assert transfers(tx)[0] == (ZERO_ADDRESS, owed, 1750)
    assert yicoin.balanceOf(owed) == 1150


def test_a_spend_beyond_balance_and_owed_points_reverts_and_settles_nothing(ledger, yicoin, merchant, owed):
    with reverts_with("ERC20InsufficientBalance", owed, 1750, 1751):
        yicoin.transfer(merchant, 1751, {"from": owed})

    assert ledger.pointsOwed(owed) == 1750


def test_revocation_takes_owed_points_first_and_mints_or_burns_nothing(ledger, yicoin, auditor, activity, owed):
    tx = ledger.revoke(owed, activity, 1, "no-show", {"from": auditor})

    revoked = tx.events["HoursRevoked"]
    assert (revoked["pointsBurned"], revoked["pointsUnrecovered"]) == (750, 0)
    assert "Transfer" not in tx.events
    assert (ledger.pointsOwed(owed), ledger.pointsOwedTotal()) == (1000, 1000)
    assert (yicoin.balanceOf(owed), yicoin.totalSupply()) == (1000, 1000)


def test_revocation_after_a_partial_spend_burns_minted_points(
    ledger, yicoin, auditor, merchant, activity, volunteers, sign, owed
):
    """Alice spends 12.00 of 17.50 (everything is minted), earns 2.50 more (owed), then the
    10.00 session is revoked: 2.50 from owed, 5.50 burned, 2.00 spent and unrecovered."""
    yicoin.transfer(merchant, 1200, {"from": owed})
    ledger.attest(sign(owed, activity, session=2, minutes=15), {"from": owed})

    tx = ledger.revoke(owed, activity, 0, "no-show", {"from": auditor})

    revoked = tx.events["HoursRevoked"]
    assert (revoked["pointsBurned"], revoked["pointsUnrecovered"]) == (800, 200)
    assert transfers(tx) == [(owed, ZERO_ADDRESS, 550)]
    assert (ledger.pointsOwed(owed), ledger.pointsOwedTotal()) == (0, 0)
    assert (yicoin.balanceOf(owed), yicoin.balanceOf(merchant)) == (0, 1200)
    assert yicoin.totalSupply() == 1200


def test_while_paused_hours_are_recorded_and_spending_owed_points_is_frozen(
    ledger, yicoin, admin, merchant, activity, sign, owed
):
    yicoin.pause({"from": admin})
    ledger.attest(sign(owed, activity, session=2, minutes=15), {"from": owed})

    with reverts_with("EnforcedPause"):
        yicoin.transfer(merchant, 100, {"from": owed})

    assert (ledger.pointsOwed(owed), yicoin.balanceOf(owed), yicoin.totalSupply()) == (2000, 2000, 2000)
    yicoin.unpause({"from": admin})
    assert transfers(yicoin.transfer(merchant, 100, {"from": owed}))[0] == (ZERO_ADDRESS, owed, 2000)


@pytest.mark.parametrize("caller", ["admin", "alice"])
def test_only_yicoin_settles_owed_points(ledger, request, owed, caller):
    sender = request.getfixturevalue(caller)

    with reverts_with("HourLedgerNotYiCoin", sender):
        ledger.settlePoints(owed, {"from": sender})

    assert ledger.pointsOwed(owed) == 1750
