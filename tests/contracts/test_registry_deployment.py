"""Deploying the registry: the admin holds the admin role and nothing exists yet."""

from brownie import ZERO_ADDRESS, VolunteerRegistry
from helpers_ledger import reverts_with


def test_deployer_names_the_admin_and_the_registry_starts_empty(admin, bob):
    registry = VolunteerRegistry.deploy(bob, {"from": admin})

    assert registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), bob)
    assert not registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), admin)
    assert registry.organisationCount() == 0
    assert registry.activityCount() == 0


def test_zero_admin_reverts_with_zero_address(admin):
    with reverts_with("RegistryZeroAddress"):
        VolunteerRegistry.deploy(ZERO_ADDRESS, {"from": admin})
