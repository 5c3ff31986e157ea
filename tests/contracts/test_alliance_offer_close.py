"""Closing an offer is final; its merchant or a merchant manager closes it."""

from helpers_market import register_merchant, reverts_with


def test_merchant_closes_its_offer(alliance, merchant, offer):
    tx = alliance.closeOffer(offer, {"from": merchant})

    assert alliance.offer(offer)["closed"]
    assert tx.events["OfferClosed"] == {"offerId": offer, "merchant": merchant}


def test_manager_closes_a_merchants_offer(alliance, admin, offer):
    alliance.closeOffer(offer, {"from": admin})

    assert alliance.offer(offer)["closed"]


def test_stranger_cannot_close(alliance, offer, bob):
    with reverts_with("AllianceNotOfferManager", offer, bob):
        alliance.closeOffer(offer, {"from": bob})
    assert not alliance.offer(offer)["closed"]


def test_another_merchant_cannot_close(alliance, offer, bob):
    register_merchant(alliance, bob)

    with reverts_with("AllianceNotOfferManager", offer, bob):
        alliance.closeOffer(offer, {"from": bob})


def test_closed_offer_cannot_be_closed_again(alliance, merchant, offer):
    alliance.closeOffer(offer, {"from": merchant})

    with reverts_with("AllianceOfferClosed", offer):
        alliance.closeOffer(offer, {"from": merchant})


def test_unknown_offer_cannot_be_closed(alliance, admin):
    with reverts_with("AllianceUnknownOffer", 7):
        alliance.closeOffer(7, {"from": admin})
