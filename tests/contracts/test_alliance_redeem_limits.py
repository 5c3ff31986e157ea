"""A redemption stays within the volunteer's balance, the offer's stock and the agreed maximum."""

from helpers_market import open_offer, reverts_with


def test_more_than_the_balance_is_refused_with_the_shortfall(alliance, yicoin, merchant, holder):
    plentiful = open_offer(alliance, merchant, stock=100)

    with reverts_with("ERC20InsufficientBalance", holder, 1000, 1200):
        alliance.redeem(plentiful, 4, 1200, {"from": holder})
    assert yicoin.balanceOf(holder) == 1000
    assert alliance.offer(plentiful)["stock"] == 100


def test_volunteer_without_points_cannot_redeem(alliance, offer, volunteers):
    _, bob = volunteers
    with reverts_with("ERC20InsufficientBalance", bob, 0, 300):
        alliance.redeem(offer, 1, 300, {"from": bob})


def test_more_than_the_stock_is_refused(alliance, offer, holder):
    with reverts_with("AllianceOutOfStock", offer, 5, 6):
        alliance.redeem(offer, 6, 1800, {"from": holder})
    assert alliance.offer(offer)["stock"] == 5


def test_sold_out_offer_is_refused(alliance, merchant, holder):
    scarce = open_offer(alliance, merchant, stock=3)
    alliance.redeem(scarce, 3, 900, {"from": holder})

    with reverts_with("AllianceOutOfStock", scarce, 0, 1):
        alliance.redeem(scarce, 1, 300, {"from": holder})


def test_zero_quantity_is_refused(alliance, offer, holder):
    with reverts_with("AllianceInvalidQuantity", 0):
        alliance.redeem(offer, 0, 300, {"from": holder})


def test_price_above_the_agreed_maximum_is_refused(alliance, yicoin, offer, holder):
    with reverts_with("AllianceAmountAboveLimit", offer, 600, 599):
        alliance.redeem(offer, 2, 599, {"from": holder})
    assert yicoin.balanceOf(holder) == 1000


def test_maximum_protects_against_a_price_raised_before_the_redemption(alliance, merchant, offer, holder):
    terms = alliance.offer(offer)
    alliance.updateOffer(
        offer, 500, terms["stock"], terms["validFrom"], terms["validUntil"], terms["metadataHash"], {"from": merchant}
    )

    with reverts_with("AllianceAmountAboveLimit", offer, 500, 300):
        alliance.redeem(offer, 1, 300, {"from": holder})
