"""Deploying the ledger: it creates its own 益币 token, whose supply only its points make."""

from brownie import ZERO_ADDRESS, HourLedger
from conftest import REVOCATION_WINDOW
from helpers_ledger import reverts_with


def test_ledger_is_wired_to_its_registry_and_admin(ledger, registry, admin):
    assert ledger.registry() == registry
    assert ledger.hasRole(ledger.DEFAULT_ADMIN_ROLE(), admin)
    assert ledger.revocationWindow() == REVOCATION_WINDOW


def test_deployment_announces_the_initial_revocation_window(ledger):
    assert ledger.tx.events["RevocationWindowChanged"] == {
        "previousWindow": 0,
        "newWindow": REVOCATION_WINDOW,
    }


def test_ledger_deploys_its_own_yicoin_and_only_it_settles_points(ledger, yicoin, admin):
    assert yicoin.ledger() == ledger
    assert yicoin.hasRole(yicoin.DEFAULT_ADMIN_ROLE(), admin)
    assert yicoin.totalSupply() == 0
    with reverts_with("HourLedgerNotYiCoin", admin):
        ledger.settlePoints(admin, {"from": admin})


def test_zero_admin_reverts_with_yicoin_zero_address(registry, admin):
    with reverts_with("YiCoinZeroAddress"):
        HourLedger.deploy(ZERO_ADDRESS, registry, REVOCATION_WINDOW, {"from": admin})
