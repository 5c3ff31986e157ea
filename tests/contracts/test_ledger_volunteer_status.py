"""Only active volunteers earn hours: a suspended or unregistered volunteer's session is
refused, whoever signed it."""

from helpers_ledger import VolunteerStatus, reverts_with, unregistered_account


def test_suspended_volunteer_reverts_with_volunteer_not_active(ledger, registry, registrar, activity, volunteers, sign):
    alice, _ = volunteers
    registry.suspendVolunteer(alice, "under review", {"from": registrar})

    with reverts_with("HourLedgerVolunteerNotActive", alice, VolunteerStatus.SUSPENDED):
        ledger.attest(sign(alice, activity), {"from": alice})


def test_unregistered_volunteer_reverts_with_volunteer_not_active(ledger, activity, sign):
    stranger = unregistered_account()
    with reverts_with("HourLedgerVolunteerNotActive", stranger, VolunteerStatus.NONE):
        ledger.attest(sign(stranger, activity), {"from": stranger})


def test_reinstated_volunteer_earns_again_and_keeps_earlier_hours(
    ledger, registry, registrar, activity, volunteers, sign
):
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, session=0, minutes=30), {"from": alice})
    registry.suspendVolunteer(alice, "under review", {"from": registrar})
    registry.reinstateVolunteer(alice, {"from": registrar})

    ledger.attest(sign(alice, activity, session=1, minutes=20), {"from": alice})

    assert ledger.minutesServed(alice) == 50
