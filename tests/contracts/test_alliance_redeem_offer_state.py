"""Only an open, currently valid offer of an active merchant can be redeemed."""

from brownie import chain
from helpers_market import ANY, DAY, Status, open_offer, reverts_with


def test_offer_not_yet_valid_is_refused(alliance, merchant, holder):
    starts = chain.time() + DAY
    offer_id = open_offer(alliance, merchant, valid_from=starts, valid_until=starts + DAY)

    with reverts_with("AllianceOfferNotValidNow", offer_id, starts, starts + DAY, ANY):
        alliance.redeem(offer_id, 1, 300, {"from": holder})


def test_offer_becomes_redeemable_when_its_window_opens(alliance, merchant, holder):
    starts = chain.time() + DAY
    offer_id = open_offer(alliance, merchant, valid_from=starts, valid_until=starts + DAY)

    chain.sleep(DAY + 60)
    alliance.redeem(offer_id, 1, 300, {"from": holder})

    assert alliance.offer(offer_id)["stock"] == 4


def test_expired_offer_is_refused(alliance, merchant, holder):
    starts = chain.time() - DAY
    offer_id = open_offer(alliance, merchant, valid_from=starts, valid_until=starts + 2 * DAY)

    chain.sleep(DAY + 60)
    with reverts_with("AllianceOfferNotValidNow", offer_id, starts, starts + 2 * DAY, ANY):
        alliance.redeem(offer_id, 1, 300, {"from": holder})


def test_closed_offer_is_refused(alliance, merchant, offer, holder):
    alliance.closeOffer(offer, {"from": merchant})

    with reverts_with("AllianceOfferClosed", offer):
        alliance.redeem(offer, 1, 300, {"from": holder})


def test_unknown_offer_is_refused(alliance, holder):
    with reverts_with("AllianceUnknownOffer", 99):
        alliance.redeem(99, 1, 300, {"from": holder})


def test_suspended_merchants_offer_is_refused(alliance, yicoin, admin, merchant, offer, holder):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})

    with reverts_with("AllianceMerchantNotActive", merchant, Status.SUSPENDED):
        alliance.redeem(offer, 1, 300, {"from": holder})
    assert yicoin.balanceOf(holder) == 1000


def test_reinstated_merchants_offer_is_redeemable_again(alliance, admin, merchant, offer, holder):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})
    alliance.reinstateMerchant(merchant, {"from": admin})

    alliance.redeem(offer, 1, 300, {"from": holder})

    assert alliance.offer(offer)["stock"] == 4
