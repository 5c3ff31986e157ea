"""Merchant managers suspend a merchant (with a reason) and reinstate a suspended one."""

from helpers_market import Status, reverts_with


def test_manager_suspends_a_merchant_with_a_reason(alliance, admin, merchant):
    tx = alliance.suspendMerchant(merchant, "expired licence", {"from": admin})

    assert not alliance.isActiveMerchant(merchant)
    assert alliance.merchant(merchant)["status"] == Status.SUSPENDED
    assert tx.events["MerchantSuspended"] == {"merchant": merchant, "reason": "expired licence"}


def test_manager_reinstates_a_suspended_merchant(alliance, admin, merchant):
    alliance.suspendMerchant(merchant, "expired licence", {"from": admin})

    tx = alliance.reinstateMerchant(merchant, {"from": admin})

    assert alliance.isActiveMerchant(merchant)
    assert tx.events["MerchantReinstated"]["merchant"] == merchant


def test_account_without_the_manager_role_cannot_suspend(alliance, merchant, bob):
    with reverts_with("AccessControlUnauthorizedAccount", bob, alliance.MERCHANT_MANAGER_ROLE()):
        alliance.suspendMerchant(merchant, "spite", {"from": bob})
    assert alliance.isActiveMerchant(merchant)


def test_account_without_the_manager_role_cannot_reinstate(alliance, admin, merchant):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})

    role = alliance.MERCHANT_MANAGER_ROLE()
    with reverts_with("AccessControlUnauthorizedAccount", merchant, role):
        alliance.reinstateMerchant(merchant, {"from": merchant})
    assert not alliance.isActiveMerchant(merchant)


def test_suspending_twice_is_refused(alliance, admin, merchant):
    alliance.suspendMerchant(merchant, "audit", {"from": admin})

    with reverts_with("AllianceMerchantNotActive", merchant, Status.SUSPENDED):
        alliance.suspendMerchant(merchant, "again", {"from": admin})


def test_suspending_an_unknown_account_is_refused(alliance, admin, bob):
    with reverts_with("AllianceUnknownMerchant", bob):
        alliance.suspendMerchant(bob, "who?", {"from": admin})


def test_reinstating_an_active_merchant_is_refused(alliance, admin, merchant):
    with reverts_with("AllianceMerchantNotSuspended", merchant, Status.ACTIVE):
        alliance.reinstateMerchant(merchant, {"from": admin})


def test_reinstating_an_unknown_account_is_refused(alliance, admin, bob):
    with reverts_with("AllianceMerchantNotSuspended", bob, Status.NONE):
        alliance.reinstateMerchant(bob, {"from": admin})
