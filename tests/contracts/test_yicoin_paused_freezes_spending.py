"""A pause freezes every movement of 益币 between holders: transfers, redemptions, settlement."""

import pytest
from helpers_market import reverts_with


@pytest.fixture
def paused(yicoin, alliance, merchant, admin, holder):
    """Alice holds 7.00 益币, the merchant 3.00; then the pauser pauses."""
    yicoin.transfer(merchant, 300, {"from": holder})
    yicoin.pause({"from": admin})
    return holder


def test_transfer_to_a_merchant_reverts_while_paused(yicoin, merchant, paused):
    with reverts_with("EnforcedPause"):
        yicoin.transfer(merchant, 100, {"from": paused})
    assert yicoin.balanceOf(paused) == 700


def test_transfer_from_with_allowance_reverts_while_paused(yicoin, merchant, paused):
    yicoin.approve(merchant, 100, {"from": paused})

    with reverts_with("EnforcedPause"):
        yicoin.transferFrom(paused, merchant, 100, {"from": merchant})


def test_redemption_reverts_while_paused(alliance, offer, yicoin, paused):
    with reverts_with("EnforcedPause"):
        alliance.redeem(offer, 1, 300, {"from": paused})
    assert alliance.offer(offer)["stock"] == 5


def test_settlement_reverts_while_paused(alliance, yicoin, merchant, paused):
    with reverts_with("EnforcedPause"):
        alliance.settle(300, {"from": merchant})
    assert yicoin.balanceOf(merchant) == 300


def test_spending_resumes_after_unpause(yicoin, merchant, admin, paused):
    yicoin.unpause({"from": admin})

    yicoin.transfer(merchant, 100, {"from": paused})

    assert yicoin.balanceOf(merchant) == 400
