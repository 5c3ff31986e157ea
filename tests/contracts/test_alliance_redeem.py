"""A volunteer redeems an offer from their own wallet: 益币 moves to the merchant, stock drops."""

from helpers_market import earn


def test_redeeming_moves_the_price_to_the_merchant(alliance, yicoin, merchant, offer, holder):
    alliance.redeem(offer, 2, 600, {"from": holder})

    assert yicoin.balanceOf(holder) == 400
    assert yicoin.balanceOf(merchant) == 600
    assert yicoin.totalSupply() == 1000


def test_redeeming_takes_the_quantity_out_of_stock(alliance, offer, holder):
    alliance.redeem(offer, 2, 600, {"from": holder})

    assert alliance.offer(offer)["stock"] == 3


def test_redemption_is_announced_as_a_wallet_redemption(alliance, merchant, offer, holder):
    tx = alliance.redeem(offer, 3, 1000, {"from": holder})

    assert tx.events["OfferRedeemed"] == {
        "offerId": offer,
        "volunteer": holder,
        "merchant": merchant,
        "quantity": 3,
        "amount": 900,
        "voucherNonce": 0,
        "byVoucher": False,
    }


def test_redeem_returns_the_amount_paid(alliance, offer, holder):
    assert alliance.redeem.call(offer, 3, 1000, {"from": holder}) == 900


def test_whole_stock_can_be_redeemed(alliance, ledger, sign, activity, offer, holder):
    earn(ledger, sign, holder, activity, session=1)

    alliance.redeem(offer, 5, 1500, {"from": holder})

    assert alliance.offer(offer)["stock"] == 0
