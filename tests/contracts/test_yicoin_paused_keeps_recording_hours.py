"""A pause never holds hours back: attestations still earn points and revocations still burn."""

import pytest


@pytest.fixture
def paused(yicoin, alliance, admin):
    yicoin.pause({"from": admin})


def test_single_attestation_earns_while_paused(ledger, yicoin, sign, activity, volunteers, paused):
    alice, _ = volunteers

    tx = ledger.attest(sign(alice, activity, minutes=45), {"from": alice})

    assert yicoin.paused()
    assert tx.events["HoursAttested"]["points"] == 750
    assert yicoin.balanceOf(alice) == 750
    assert yicoin.totalSupply() == 750
    assert ledger.minutesServed(alice) == 45


def test_batch_attestation_earns_while_paused(ledger, yicoin, sign, sign_batch, activity, volunteers, paused):
    alice, bob = volunteers
    batch = [sign(alice, activity, minutes=60), sign(bob, activity, minutes=30)]

    tx = ledger.attestBatch(*sign_batch(batch), {"from": alice})

    assert len(tx.events["HoursAttested"]) == 2
    assert yicoin.balanceOf(alice) == 1000
    assert yicoin.balanceOf(bob) == 500


def test_revocation_burns_while_paused(ledger, yicoin, sign, activity, volunteers, auditor, paused):
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, minutes=60), {"from": alice})

    tx = ledger.revoke(alice, activity, 0, "duplicate sign-in", {"from": auditor})

    assert tx.events["HoursRevoked"]["pointsBurned"] == 1000
    assert yicoin.balanceOf(alice) == 0
    assert yicoin.totalSupply() == 0
