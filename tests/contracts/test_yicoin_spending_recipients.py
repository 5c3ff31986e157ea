"""益币 is spent, not passed around: every transfer must go to an active alliance merchant."""

from helpers_market import reverts_with


def test_volunteer_pays_an_active_merchant_directly(yicoin, alliance, merchant, holder):
    tx = yicoin.transfer(merchant, 250, {"from": holder})

    paid = tx.events["Transfer"][-1]  # after the mint of the points the ledger owed
    assert (paid["from"], paid["to"], paid["value"]) == (holder, merchant, 250)
    assert yicoin.balanceOf(holder) == 750
    assert yicoin.balanceOf(merchant) == 250


def test_volunteer_cannot_send_points_to_another_volunteer(yicoin, alliance, holder, bob):
    with reverts_with("YiCoinRecipientNotMerchant", bob):
        yicoin.transfer(bob, 100, {"from": holder})
    assert yicoin.balanceOf(bob) == 0


def test_suspended_merchant_cannot_receive_points(yicoin, alliance, merchant, admin, holder):
    alliance.suspendMerchant(merchant, "complaints", {"from": admin})

    with reverts_with("YiCoinRecipientNotMerchant", merchant):
        yicoin.transfer(merchant, 100, {"from": holder})


def test_allowance_cannot_route_points_to_a_non_merchant(yicoin, alliance, holder, bob):
    yicoin.approve(bob, 500, {"from": holder})

    with reverts_with("YiCoinRecipientNotMerchant", bob):
        yicoin.transferFrom(holder, bob, 100, {"from": bob})
    assert yicoin.allowance(holder, bob) == 500


def test_allowance_can_pay_an_active_merchant(yicoin, alliance, merchant, holder):
    yicoin.approve(merchant, 500, {"from": holder})

    yicoin.transferFrom(holder, merchant, 300, {"from": merchant})

    assert yicoin.balanceOf(merchant) == 300
    assert yicoin.allowance(holder, merchant) == 200
