"""Only a PAUSER may pause and unpause 益币."""

from helpers_market import reverts_with


def test_admin_holds_the_pauser_role_and_pauses(yicoin, admin):
    tx = yicoin.pause({"from": admin})

    assert yicoin.paused()
    assert tx.events["Paused"]["account"] == admin


def test_pauser_unpauses(yicoin, admin):
    yicoin.pause({"from": admin})

    tx = yicoin.unpause({"from": admin})

    assert not yicoin.paused()
    assert "Unpaused" in tx.events


def test_account_without_the_role_cannot_pause(yicoin, auditor):
    with reverts_with("AccessControlUnauthorizedAccount", auditor, yicoin.PAUSER_ROLE()):
        yicoin.pause({"from": auditor})
    assert not yicoin.paused()


def test_account_without_the_role_cannot_unpause(yicoin, admin, auditor):
    yicoin.pause({"from": admin})

    with reverts_with("AccessControlUnauthorizedAccount", auditor, yicoin.PAUSER_ROLE()):
        yicoin.unpause({"from": auditor})
    assert yicoin.paused()


def test_granted_pauser_can_pause(yicoin, admin, auditor):
    yicoin.grantRole(yicoin.PAUSER_ROLE(), auditor, {"from": admin})

    yicoin.pause({"from": auditor})

    assert yicoin.paused()
