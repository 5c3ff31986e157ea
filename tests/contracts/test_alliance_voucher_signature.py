"""Only the volunteer's own signature, over exactly these terms and this alliance, redeems."""

from brownie import ZERO_ADDRESS, MerchantAlliance
from eth_account import Account
from helpers_market import (
    as_call_args,
    reverts_with,
    sign_voucher,
    signed_voucher,
    signer_of,
    voucher_domain,
    voucher_for,
)

STRANGER_KEY = Account.from_key("0x" + "e5" * 32)


def test_voucher_signed_by_another_key_is_refused(alliance, merchant, offer, key_holder):
    voucher = voucher_for(key_holder, offer)
    signature = sign_voucher(STRANGER_KEY, voucher, voucher_domain(alliance))

    with reverts_with("AllianceInvalidVoucherSigner", STRANGER_KEY.address, key_holder):
        alliance.redeemVoucher(as_call_args(voucher), signature, {"from": merchant})


def test_tampered_quantity_is_refused(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer, quantity=1, max_amount=1500)
    tampered = voucher[:2] + (5,) + voucher[3:]
    recovered = signer_of(tampered, signature, voucher_domain(alliance))

    with reverts_with("AllianceInvalidVoucherSigner", recovered, key_holder):
        alliance.redeemVoucher(tampered, signature, {"from": merchant})
    assert alliance.offer(offer)["stock"] == 5


def test_voucher_signed_for_another_chain_is_refused(alliance, merchant, offer, key_holder, volunteer_key):
    voucher = voucher_for(key_holder, offer)
    signature = sign_voucher(volunteer_key, voucher, voucher_domain(alliance, chain_id=1))
    recovered = signer_of(as_call_args(voucher), signature, voucher_domain(alliance))

    with reverts_with("AllianceInvalidVoucherSigner", recovered, key_holder):
        alliance.redeemVoucher(as_call_args(voucher), signature, {"from": merchant})


def test_voucher_signed_for_another_alliance_is_refused(
    alliance, yicoin, admin, merchant, offer, key_holder, volunteer_key
):
    elsewhere = MerchantAlliance.deploy(admin, yicoin, {"from": admin})
    voucher = voucher_for(key_holder, offer)
    signature = sign_voucher(volunteer_key, voucher, voucher_domain(elsewhere))
    recovered = signer_of(as_call_args(voucher), signature, voucher_domain(alliance))

    with reverts_with("AllianceInvalidVoucherSigner", recovered, key_holder):
        alliance.redeemVoucher(as_call_args(voucher), signature, {"from": merchant})


def test_malformed_signature_is_refused(alliance, merchant, offer, key_holder, volunteer_key):
    voucher, signature = signed_voucher(volunteer_key, alliance, offer)

    with reverts_with("AllianceInvalidVoucherSigner", ZERO_ADDRESS, key_holder):
        alliance.redeemVoucher(voucher, signature[:64], {"from": merchant})


def test_contract_domain_matches_the_python_domain(alliance):
    assert alliance.domainSeparator() == "0x" + voucher_domain(alliance).separator.hex()
