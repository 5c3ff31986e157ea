"""An open offer's terms are replaced by its merchant or a merchant manager."""

from brownie import chain
from helpers_market import DAY, open_offer, register_merchant, reverts_with


def _update(alliance, offer_id, sender, price=450, stock=9):
    now = chain.time()
    return alliance.updateOffer(offer_id, price, stock, now, now + 7 * DAY, b"\x06" * 32, {"from": sender})


def test_merchant_replaces_price_stock_and_metadata(alliance, merchant, offer):
    tx = _update(alliance, offer, merchant)

    updated = alliance.offer(offer)
    assert (updated["price"], updated["stock"]) == (450, 9)
    assert updated["metadataHash"] == "0x" + "06" * 32
    assert updated["merchant"] == merchant
    assert tx.events["OfferPublished"]["offerId"] == offer
    assert alliance.offerCount() == 1


def test_manager_updates_a_merchants_offer(alliance, admin, offer):
    _update(alliance, offer, admin, price=100)

    assert alliance.offer(offer)["price"] == 100


def test_stranger_cannot_update(alliance, offer, bob):
    with reverts_with("AllianceNotOfferManager", offer, bob):
        _update(alliance, offer, bob)
    assert alliance.offer(offer)["price"] == 300


def test_another_merchant_cannot_update(alliance, offer, bob):
    register_merchant(alliance, bob)

    with reverts_with("AllianceNotOfferManager", offer, bob):
        _update(alliance, offer, bob)


def test_closed_offer_cannot_be_updated(alliance, admin, merchant, offer):
    alliance.closeOffer(offer, {"from": merchant})

    for sender in (merchant, admin):
        with reverts_with("AllianceOfferClosed", offer):
            _update(alliance, offer, sender)


def test_unknown_offer_cannot_be_updated(alliance, admin):
    with reverts_with("AllianceUnknownOffer", 42):
        _update(alliance, 42, admin)


def test_suspended_merchants_offer_can_still_be_repriced_by_a_manager(alliance, admin, merchant):
    offer_id = open_offer(alliance, merchant)
    alliance.suspendMerchant(merchant, "audit", {"from": admin})

    _update(alliance, offer_id, admin, price=200)

    assert alliance.offer(offer_id)["price"] == 200
