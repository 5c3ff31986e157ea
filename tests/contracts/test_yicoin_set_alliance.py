"""The admin binds 益币 to the merchant alliance exactly once; before that nothing can be spent."""

import pytest
from brownie import ZERO_ADDRESS, HourLedger, MerchantAlliance, YiCoin
from helpers_market import reverts_with


@pytest.fixture
def unbound_coin(admin, registry):
    """A 益币 of a second ledger, with no alliance set yet."""
    second_ledger = HourLedger.deploy(admin, registry, 0, {"from": admin})
    return YiCoin.at(second_ledger.yiCoin())


@pytest.fixture
def candidate(admin, unbound_coin):
    return MerchantAlliance.deploy(admin, unbound_coin, {"from": admin})


def test_admin_binds_the_alliance_and_it_is_announced(unbound_coin, candidate, admin):
    tx = unbound_coin.setAlliance(candidate, {"from": admin})

    assert unbound_coin.alliance() == candidate
    assert tx.events["AllianceSet"]["alliance"] == candidate


def test_alliance_cannot_be_replaced_once_set(yicoin, alliance, candidate, admin):
    with reverts_with("YiCoinAllianceAlreadySet", alliance):
        yicoin.setAlliance(candidate, {"from": admin})
    assert yicoin.alliance() == alliance


def test_alliance_cannot_be_the_zero_address(unbound_coin, admin):
    with reverts_with("YiCoinZeroAddress"):
        unbound_coin.setAlliance(ZERO_ADDRESS, {"from": admin})


def test_only_the_admin_binds_the_alliance(unbound_coin, candidate, merchant):
    role = unbound_coin.DEFAULT_ADMIN_ROLE()
    with reverts_with("AccessControlUnauthorizedAccount", merchant, role):
        unbound_coin.setAlliance(candidate, {"from": merchant})
    assert unbound_coin.alliance() == ZERO_ADDRESS


def test_without_an_alliance_no_recipient_counts_as_a_merchant(unbound_coin, merchant):
    # The unbound coin has no holders; a zero-value transfer still runs the recipient rule.
    with reverts_with("YiCoinRecipientNotMerchant", merchant):
        unbound_coin.transfer(merchant, 0, {"from": merchant})
