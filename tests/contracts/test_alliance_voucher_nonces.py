"""Voucher nonces are single-use, unordered (a bitmap) and per volunteer."""

from eth_account import Account
from helpers_market import earn, reverts_with, signed_voucher


def _redeem(alliance, merchant, key, offer, nonce, **terms):
    voucher, signature = signed_voucher(key, alliance, offer, nonce=nonce, **terms)
    return alliance.redeemVoucher(voucher, signature, {"from": merchant})


def test_a_used_nonce_cannot_be_redeemed_again(alliance, yicoin, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, nonce=3)
    alliance.redeemVoucher(voucher, signature, {"from": merchant})

    with reverts_with("AllianceVoucherNonceUsed", key_holder, 3):
        alliance.redeemVoucher(voucher, signature, {"from": merchant})
    assert yicoin.balanceOf(key_holder) == 700


def test_a_new_voucher_reusing_a_nonce_is_refused(alliance, merchant, offer, key_holder, volunteer_key):
    _redeem(alliance, merchant, volunteer_key, offer, nonce=3)

    with reverts_with("AllianceVoucherNonceUsed", key_holder, 3):
        _redeem(alliance, merchant, volunteer_key, offer, nonce=3, quantity=2)


def test_vouchers_are_redeemed_in_any_order(alliance, merchant, offer, key_holder, volunteer_key):
    _redeem(alliance, merchant, volunteer_key, offer, nonce=7)
    _redeem(alliance, merchant, volunteer_key, offer, nonce=3)

    assert alliance.isVoucherNonceUsed(key_holder, 7)
    assert alliance.isVoucherNonceUsed(key_holder, 3)
    assert alliance.offer(offer)["stock"] == 3


def test_nonces_in_different_bitmap_words_are_independent(alliance, merchant, offer, key_holder, volunteer_key):
    # 0, 256 and 2**256 - 256 share bit 0 of different 256-bit words.
    for nonce in (0, 256, 2**256 - 256):
        _redeem(alliance, merchant, volunteer_key, offer, nonce=nonce)

    assert not alliance.isVoucherNonceUsed(key_holder, 1)
    assert not alliance.isVoucherNonceUsed(key_holder, 512)
    assert alliance.isVoucherNonceUsed(key_holder, 2**256 - 256)


def test_a_refused_redemption_leaves_the_nonce_unused(alliance, merchant, offer, key_holder, volunteer_key):
    with reverts_with("AllianceOutOfStock", offer, 5, 6):
        _redeem(alliance, merchant, volunteer_key, offer, nonce=9, quantity=6, max_amount=1800)

    assert not alliance.isVoucherNonceUsed(key_holder, 9)
    _redeem(alliance, merchant, volunteer_key, offer, nonce=9)


def test_nonces_belong_to_one_volunteer(
    alliance,
    registry,
    registrar,
    ledger,
    sign,
    activity,
    merchant,
    offer,
    key_holder,
    volunteer_key,
):
    other_key = Account.from_key("0x" + "d4" * 32)
    registry.registerVolunteer(other_key.address, b"\x0d" * 32, {"from": registrar})
    earn(ledger, sign, other_key.address, activity)
    _redeem(alliance, merchant, volunteer_key, offer, nonce=1)

    _redeem(alliance, merchant, other_key, offer, nonce=1)

    assert alliance.isVoucherNonceUsed(other_key.address, 1)
