"""A voucher is redeemed only before its deadline and only by the offer's own merchant."""

from brownie import chain
from helpers_market import ANY, Status, register_merchant, reverts_with, signed_voucher


def test_voucher_past_its_deadline_is_refused(alliance, merchant, offer, key_holder, volunteer_key):
    deadline = chain.time() + 600  # the QR code is shown for ten minutes
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, deadline=deadline)

    chain.sleep(601)
    with reverts_with("AllianceVoucherExpired", deadline, ANY):
        alliance.redeemVoucher(voucher, signature, {"from": merchant})
    assert not alliance.isVoucherNonceUsed(key_holder, 0)


def test_voucher_within_its_deadline_is_accepted_late(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, deadline=chain.time() + 600)

    chain.sleep(500)
    alliance.redeemVoucher(voucher, signature, {"from": merchant})

    assert alliance.isVoucherNonceUsed(key_holder, 0)


def test_the_volunteer_cannot_submit_their_own_voucher(alliance, offer, key_holder, volunteer_key, alice):
    # `alice` stands in for any holder of the QR code who is not the offer's merchant.
    voucher, signature = signed_voucher(volunteer_key, alliance, offer)

    with reverts_with("AllianceNotOfferMerchant", offer, alice):
        alliance.redeemVoucher(voucher, signature, {"from": alice})


def test_another_merchant_cannot_submit_the_voucher(alliance, offer, key_holder, volunteer_key, bob):
    register_merchant(alliance, bob)
    voucher, signature = signed_voucher(volunteer_key, alliance, offer)

    with reverts_with("AllianceNotOfferMerchant", offer, bob):
        alliance.redeemVoucher(voucher, signature, {"from": bob})


def test_a_merchant_manager_cannot_submit_the_voucher(alliance, admin, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer)

    with reverts_with("AllianceNotOfferMerchant", offer, admin):
        alliance.redeemVoucher(voucher, signature, {"from": admin})


def test_voucher_for_an_unknown_offer_is_refused(alliance, merchant, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, 77)

    with reverts_with("AllianceUnknownOffer", 77):
        alliance.redeemVoucher(voucher, signature, {"from": merchant})


def test_voucher_for_a_suspended_merchant_is_refused(alliance, admin, merchant, offer, key_holder, volunteer_key):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})
    voucher, signature = signed_voucher(volunteer_key, alliance, offer)

    with reverts_with("AllianceMerchantNotActive", merchant, Status.SUSPENDED):
        alliance.redeemVoucher(voucher, signature, {"from": merchant})


def test_voucher_maximum_holds_when_the_price_rises(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, quantity=2)
    terms = alliance.offer(offer)
    alliance.updateOffer(
        offer, 400, terms["stock"], terms["validFrom"], terms["validUntil"], terms["metadataHash"], {"from": merchant}
    )

    with reverts_with("AllianceAmountAboveLimit", offer, 800, 600):
        alliance.redeemVoucher(voucher, signature, {"from": merchant})
