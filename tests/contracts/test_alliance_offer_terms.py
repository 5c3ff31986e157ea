"""An offer needs a price and a validity window that ends after it starts, on create and update."""

import pytest
from brownie import chain
from helpers_market import DAY, reverts_with

# (price, validFrom offset, validUntil offset) from now
INVALID_TERMS = {
    "free": (0, 0, DAY),
    "empty window": (300, DAY, DAY),
    "window ends before it starts": (300, DAY, 0),
}


def _publish(alliance, merchant, offer, action, price, valid_from, valid_until):
    if action == "create":
        return alliance.createOffer(merchant, price, 5, valid_from, valid_until, b"\x05" * 32, {"from": merchant})
    return alliance.updateOffer(offer, price, 5, valid_from, valid_until, b"\x05" * 32, {"from": merchant})


@pytest.mark.parametrize("action", ["create", "update"])
@pytest.mark.parametrize("terms", INVALID_TERMS.values(), ids=INVALID_TERMS.keys())
def test_invalid_terms_are_refused(alliance, merchant, offer, action, terms):
    now = chain.time()
    price, valid_from, valid_until = terms[0], now + terms[1], now + terms[2]

    with reverts_with("AllianceInvalidOfferTerms", price, valid_from, valid_until):
        _publish(alliance, merchant, offer, action, price, valid_from, valid_until)
    assert alliance.offerCount() == 1
    assert alliance.offer(offer)["price"] == 300


@pytest.mark.parametrize("action", ["create", "update"])
def test_smallest_valid_terms_are_accepted(alliance, merchant, offer, action):
    now = chain.time()

    tx = _publish(alliance, merchant, offer, action, 1, now, now + 1)

    published = tx.events["OfferPublished"]
    assert (published["price"], published["validFrom"], published["validUntil"]) == (
        1,
        now,
        now + 1,
    )
