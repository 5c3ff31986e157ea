"""A voucher the volunteer signed (a QR code) is redeemed by the merchant from its own wallet."""

from brownie import web3
from helpers_market import signed_voucher


def test_merchant_redeems_a_signed_voucher(alliance, yicoin, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, quantity=2, nonce=1)

    alliance.redeemVoucher(voucher, signature, {"from": merchant})

    assert yicoin.balanceOf(key_holder) == 400
    assert yicoin.balanceOf(merchant) == 600
    assert alliance.offer(offer)["stock"] == 3


def test_volunteer_needs_no_gas_to_redeem_by_voucher(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer)

    alliance.redeemVoucher(voucher, signature, {"from": merchant})

    assert web3.eth.get_balance(key_holder) == 0


def test_voucher_redemption_is_announced_with_its_nonce(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, nonce=12)

    tx = alliance.redeemVoucher(voucher, signature, {"from": merchant})

    assert tx.events["OfferRedeemed"] == {
        "offerId": offer,
        "volunteer": key_holder,
        "merchant": merchant,
        "quantity": 1,
        "amount": 300,
        "voucherNonce": 12,
        "byVoucher": True,
    }


def test_voucher_redemption_returns_the_amount_paid(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, quantity=3, max_amount=950)

    assert alliance.redeemVoucher.call(voucher, signature, {"from": merchant}) == 900


def test_redeeming_marks_the_nonce_used(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, nonce=5)
    assert not alliance.isVoucherNonceUsed(key_holder, 5)

    alliance.redeemVoucher(voucher, signature, {"from": merchant})

    assert alliance.isVoucherNonceUsed(key_holder, 5)
    assert not alliance.isVoucherNonceUsed(key_holder, 4)
    assert not alliance.isVoucherNonceUsed(key_holder, 6)
