"""A merchant settles the 益币 it received: the points are burned and each settlement numbered.

(Settlement during a pause: test_yicoin_paused_freezes_spending.py.)
"""

import pytest
from helpers_market import register_merchant, reverts_with


@pytest.fixture
def takings(alliance, yicoin, merchant, holder):
    """The merchant holds 6.00 益币 that Alice spent there; 4.00 stay with Alice."""
    yicoin.transfer(merchant, 600, {"from": holder})
    return 600


def test_settling_burns_the_merchants_points(alliance, yicoin, merchant, takings):
    alliance.settle(450, {"from": merchant})

    assert yicoin.balanceOf(merchant) == 150
    assert yicoin.totalSupply() == 550


def test_settlement_is_announced_with_an_id(alliance, merchant, takings):
    tx = alliance.settle(takings, {"from": merchant})

    assert tx.events["MerchantSettled"] == {
        "merchant": merchant,
        "settlementId": 1,
        "amount": takings,
    }


def test_settlement_ids_count_up_across_merchants(alliance, yicoin, merchant, bob, takings):
    register_merchant(alliance, bob)
    yicoin.transfer(bob, 100, {"from": merchant})

    ids = [
        alliance.settle(100, {"from": merchant}).events["MerchantSettled"]["settlementId"],
        alliance.settle(100, {"from": bob}).events["MerchantSettled"]["settlementId"],
        alliance.settle(100, {"from": merchant}).events["MerchantSettled"]["settlementId"],
    ]

    assert ids == [1, 2, 3]


def test_settle_returns_the_settlement_id(alliance, merchant, takings):
    assert alliance.settle.call(100, {"from": merchant}) == 1


def test_account_that_is_no_merchant_cannot_settle(alliance, holder, takings):
    with reverts_with("AllianceUnknownMerchant", holder):
        alliance.settle(100, {"from": holder})


def test_zero_settlement_is_refused(alliance, merchant, takings):
    with reverts_with("AllianceZeroSettlement"):
        alliance.settle(0, {"from": merchant})


def test_settling_more_than_received_is_refused(alliance, yicoin, merchant, takings):
    with reverts_with("ERC20InsufficientBalance", merchant, 600, 601):
        alliance.settle(601, {"from": merchant})
    assert yicoin.balanceOf(merchant) == 600


def test_suspended_merchant_still_settles_what_it_received(alliance, yicoin, admin, merchant, takings):
    alliance.suspendMerchant(merchant, "closing down", {"from": admin})

    alliance.settle(takings, {"from": merchant})

    assert yicoin.balanceOf(merchant) == 0
