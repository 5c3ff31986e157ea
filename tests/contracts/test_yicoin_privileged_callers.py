"""Revocation burns belong to the ledger; redemption moves and settlement burns to the alliance.
YiCoin has no mint function: its supply is the ledger's owed points (see test_yicoin_lazy_points)."""

from helpers_market import reverts_with


def test_only_the_ledger_burns_revoked_points(yicoin, admin, holder):
    with reverts_with("YiCoinNotLedger", admin):
        yicoin.burnRevoked(holder, 100, {"from": admin})
    assert yicoin.balanceOf(holder) == 1000


def test_only_the_alliance_makes_redemption_transfers(yicoin, alliance, merchant, holder):
    with reverts_with("YiCoinNotAlliance", merchant):
        yicoin.redemptionTransfer(holder, merchant, 100, {"from": merchant})
    assert yicoin.balanceOf(holder) == 1000


def test_only_the_alliance_burns_settled_points(yicoin, alliance, merchant, holder):
    yicoin.transfer(merchant, 400, {"from": holder})
    with reverts_with("YiCoinNotAlliance", merchant):
        yicoin.burnSettled(merchant, 400, {"from": merchant})
    assert yicoin.balanceOf(merchant) == 400
