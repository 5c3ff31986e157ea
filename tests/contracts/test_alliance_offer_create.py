"""An offer is published by its merchant or by a merchant manager, never by anyone else."""

from brownie import chain
from helpers_market import DAY, Status, open_offer, reverts_with


def test_merchant_publishes_its_own_offer(alliance, merchant):
    starts = chain.time()
    tx = alliance.createOffer(merchant, 300, 5, starts, starts + DAY, b"\x05" * 32, {"from": merchant})

    offer_id = tx.events["OfferPublished"]["offerId"]
    published = alliance.offer(offer_id)
    assert offer_id == 1 == alliance.offerCount()
    assert published["merchant"] == merchant
    assert (published["price"], published["stock"]) == (300, 5)
    assert (published["validFrom"], published["validUntil"]) == (starts, starts + DAY)
    assert not published["closed"]
    assert tx.events["OfferPublished"]["merchant"] == merchant


def test_manager_publishes_an_offer_for_a_merchant(alliance, admin, merchant):
    offer_id = open_offer(alliance, merchant, sender=admin)

    assert alliance.offer(offer_id)["merchant"] == merchant


def test_offer_ids_count_up_from_one(alliance, merchant):
    assert [open_offer(alliance, merchant) for _ in range(3)] == [1, 2, 3]
    assert alliance.offerCount() == 3


def test_stranger_cannot_publish_for_a_merchant(alliance, merchant, bob):
    with reverts_with("AllianceNotMerchantManager", merchant, bob):
        open_offer(alliance, merchant, sender=bob)
    assert alliance.offerCount() == 0


def test_account_that_is_no_merchant_cannot_publish_for_itself(alliance, bob):
    with reverts_with("AllianceUnknownMerchant", bob):
        open_offer(alliance, bob)


def test_nobody_publishes_for_a_suspended_merchant(alliance, admin, merchant):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})

    for sender in (merchant, admin):
        with reverts_with("AllianceMerchantNotActive", merchant, Status.SUSPENDED):
            open_offer(alliance, merchant, sender=sender)
