"""Registrars add and remove an organisation's managers; only managers run its activities."""

import pytest
from brownie import ZERO_ADDRESS
from helpers_ledger import create_activity, reverts_with


def test_added_manager_is_recorded_and_announced(registry, registrar, bob):
    tx = registry.addOrganisationManager(1, bob, {"from": registrar})

    assert tx.events["OrganisationManagerAdded"] == {"organisationId": 1, "account": bob}
    assert registry.isOrganisationManager(1, bob)


def test_added_manager_can_create_activities(registry, registrar, bob):
    registry.addOrganisationManager(1, bob, {"from": registrar})

    assert create_activity(registry, bob) == 1


def test_removed_manager_is_forgotten_and_announced(registry, registrar, organiser):
    tx = registry.removeOrganisationManager(1, organiser, {"from": registrar})

    assert tx.events["OrganisationManagerRemoved"] == {"organisationId": 1, "account": organiser}
    assert not registry.isOrganisationManager(1, organiser)


def test_removed_manager_can_no_longer_create_activities(registry, registrar, organiser):
    registry.removeOrganisationManager(1, organiser, {"from": registrar})

    with reverts_with("RegistryNotOrganisationManager", 1, organiser):
        create_activity(registry, organiser)


def test_manager_of_another_organisation_cannot_create_activities(registry, registrar, bob):
    registry.createOrganisation(b"\x02" * 32, {"from": registrar})
    registry.addOrganisationManager(2, bob, {"from": registrar})

    with reverts_with("RegistryNotOrganisationManager", 1, bob):
        create_activity(registry, bob, organisation_id=1)
    assert create_activity(registry, bob, organisation_id=2) == 1


def test_zero_address_manager_reverts_with_zero_address(registry, registrar):
    with reverts_with("RegistryZeroAddress"):
        registry.addOrganisationManager(1, ZERO_ADDRESS, {"from": registrar})


@pytest.mark.parametrize("function", ["addOrganisationManager", "removeOrganisationManager"])
@pytest.mark.parametrize("organisation_id", [0, 2])
def test_managers_of_an_unknown_organisation_revert_with_unknown_organisation(
    registry, registrar, bob, function, organisation_id
):
    with reverts_with("RegistryUnknownOrganisation", organisation_id):
        getattr(registry, function)(organisation_id, bob, {"from": registrar})
