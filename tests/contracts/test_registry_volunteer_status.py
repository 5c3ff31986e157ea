"""Registrars suspend and reinstate volunteers; a no-op change is refused."""

import pytest
from helpers_ledger import VolunteerStatus, reverts_with, unregistered_account


def test_suspended_volunteer_is_marked_and_the_reason_announced(registry, registrar, volunteers):
    alice, _ = volunteers
    tx = registry.suspendVolunteer(alice, "false check-ins", {"from": registrar})

    assert tx.events["VolunteerSuspended"] == {"volunteer": alice, "reason": "false check-ins"}
    assert registry.volunteer(alice)["status"] == VolunteerStatus.SUSPENDED


def test_reinstated_volunteer_is_active_again_and_announced(registry, registrar, volunteers):
    alice, _ = volunteers
    registered = registry.volunteer(alice)
    registry.suspendVolunteer(alice, "false check-ins", {"from": registrar})

    tx = registry.reinstateVolunteer(alice, {"from": registrar})

    assert tx.events["VolunteerReinstated"] == {"volunteer": alice}
    assert registry.volunteer(alice) == registered  # status, registeredAt and identity as before


def test_suspending_a_suspended_volunteer_reverts_with_status_unchanged(registry, registrar, volunteers):
    alice, _ = volunteers
    registry.suspendVolunteer(alice, "first", {"from": registrar})

    with reverts_with("RegistryVolunteerStatusUnchanged", alice, VolunteerStatus.SUSPENDED):
        registry.suspendVolunteer(alice, "second", {"from": registrar})


def test_reinstating_an_active_volunteer_reverts_with_status_unchanged(registry, registrar, volunteers):
    alice, _ = volunteers
    with reverts_with("RegistryVolunteerStatusUnchanged", alice, VolunteerStatus.ACTIVE):
        registry.reinstateVolunteer(alice, {"from": registrar})


@pytest.mark.parametrize("change", [("suspendVolunteer", "reason"), ("reinstateVolunteer",)])
def test_status_change_of_an_unregistered_account_reverts_with_unknown_volunteer(registry, registrar, change):
    function, *args = change
    stranger = unregistered_account()
    with reverts_with("RegistryUnknownVolunteer", stranger):
        getattr(registry, function)(stranger, *args, {"from": registrar})
