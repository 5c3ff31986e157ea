"""Revocation is open until `revocationWindow` seconds after the activity ends; the admin sets
that window."""

import pytest
from brownie import chain
from conftest import REVOCATION_WINDOW
from helpers_ledger import ANY, DAY, AttestationStatus, attestation_of, reverts_with, sleep_until, uid_of, window_of


@pytest.fixture
def closes_at(ledger, registry, activity, volunteers, sign):
    """Alice's session 0 is accepted; returns when its revocation window closes."""
    alice, _ = volunteers
    ledger.attest(sign(alice, activity), {"from": alice})
    return window_of(registry, activity)[1] + REVOCATION_WINDOW


def test_revocation_after_the_activity_ended_within_the_window_succeeds(
    ledger, auditor, activity, volunteers, closes_at
):
    alice, _ = volunteers
    sleep_until(closes_at - 60)

    ledger.revoke(alice, activity, 0, "late complaint", {"from": auditor})

    assert attestation_of(ledger, alice, activity, 0)[1] == AttestationStatus.REVOKED


def test_revocation_after_the_window_reverts_with_window_closed(ledger, auditor, activity, volunteers, closes_at):
    alice, _ = volunteers
    sleep_until(closes_at + 60)

    with reverts_with("HourLedgerRevocationWindowClosed", uid_of(alice, activity, 0), closes_at, ANY):
        ledger.revoke(alice, activity, 0, "too late", {"from": auditor})
    assert ledger.minutesServed(alice) == 45


def test_admin_sets_the_window_and_announces_it(ledger, admin):
    tx = ledger.setRevocationWindow(7 * DAY, {"from": admin})

    assert tx.events["RevocationWindowChanged"] == {
        "previousWindow": REVOCATION_WINDOW,
        "newWindow": 7 * DAY,
    }
    assert ledger.revocationWindow() == 7 * DAY


def test_shortened_window_closes_revocation_earlier(ledger, registry, admin, auditor, activity, volunteers, closes_at):
    alice, _ = volunteers
    ends_at = window_of(registry, activity)[1]
    ledger.setRevocationWindow(0, {"from": admin})
    sleep_until(ends_at + 60)
    assert chain.time() < closes_at

    with reverts_with("HourLedgerRevocationWindowClosed", uid_of(alice, activity, 0), ends_at, ANY):
        ledger.revoke(alice, activity, 0, "too late", {"from": auditor})
