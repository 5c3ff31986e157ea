"""Merchant managers onboard merchants and public-benefit providers, each once."""

import pytest
from brownie import ZERO_ADDRESS
from helpers_market import Kind, Status, reverts_with


@pytest.mark.parametrize("kind", [Kind.BUSINESS, Kind.PUBLIC_BENEFIT], ids=["business", "public"])
def test_manager_registers_an_active_merchant_of_either_kind(alliance, admin, bob, kind):
    tx = alliance.registerMerchant(bob, kind, b"\x09" * 32, {"from": admin})

    registered = alliance.merchant(bob)
    assert registered["kind"] == kind
    assert registered["status"] == Status.ACTIVE
    assert registered["profileHash"] == "0x" + "09" * 32
    assert alliance.isActiveMerchant(bob)
    assert tx.events["MerchantRegistered"] == {
        "merchant": bob,
        "kind": kind,
        "profileHash": "0x" + "09" * 32,
    }


def test_account_without_the_manager_role_cannot_register(alliance, merchant, bob):
    role = alliance.MERCHANT_MANAGER_ROLE()
    with reverts_with("AccessControlUnauthorizedAccount", merchant, role):
        alliance.registerMerchant(bob, Kind.BUSINESS, b"\x09" * 32, {"from": merchant})
    assert not alliance.isActiveMerchant(bob)


def test_a_merchant_is_registered_only_once(alliance, admin, merchant):
    with reverts_with("AllianceMerchantAlreadyRegistered", merchant):
        alliance.registerMerchant(merchant, Kind.PUBLIC_BENEFIT, b"\x09" * 32, {"from": admin})
    assert alliance.merchant(merchant)["kind"] == Kind.BUSINESS


def test_a_suspended_merchant_cannot_be_registered_again(alliance, admin, merchant):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})

    with reverts_with("AllianceMerchantAlreadyRegistered", merchant):
        alliance.registerMerchant(merchant, Kind.BUSINESS, b"\x09" * 32, {"from": admin})
    assert alliance.merchant(merchant)["status"] == Status.SUSPENDED


def test_merchant_kind_none_is_refused(alliance, admin, bob):
    with reverts_with("AllianceInvalidMerchantKind"):
        alliance.registerMerchant(bob, Kind.NONE, b"\x09" * 32, {"from": admin})


def test_zero_address_is_refused(alliance, admin):
    with reverts_with("AllianceZeroAddress"):
        alliance.registerMerchant(ZERO_ADDRESS, Kind.BUSINESS, b"\x09" * 32, {"from": admin})
