"""An organisation's managers and the registrars choose the organisation's attesters; nobody
else, not even another organisation's manager, can."""

import pytest
from brownie import ZERO_ADDRESS
from helpers_ledger import reverts_with


@pytest.fixture
def second_organisation(registry, registrar, bob):
    registry.createOrganisation(b"\x02" * 32, {"from": registrar})
    registry.addOrganisationManager(2, bob, {"from": registrar})
    return 2


@pytest.mark.parametrize("caller", ["organiser", "registrar"])
def test_manager_or_registrar_adds_an_attester_recorded_and_announced(registry, organiser, registrar, outsider, caller):
    by = {"organiser": organiser, "registrar": registrar}[caller]

    tx = registry.addOrganisationAttester(1, outsider.address, {"from": by})

    assert tx.events["OrganisationAttesterAdded"] == {
        "organisationId": 1,
        "account": outsider.address,
        "by": by,
    }
    assert registry.isOrganisationAttester(1, outsider.address)


@pytest.mark.parametrize("caller", ["organiser", "registrar"])
def test_manager_or_registrar_removes_an_attester_forgotten_and_announced(
    registry, organiser, registrar, attester, caller
):
    by = {"organiser": organiser, "registrar": registrar}[caller]

    tx = registry.removeOrganisationAttester(1, attester.address, {"from": by})

    assert tx.events["OrganisationAttesterRemoved"] == {
        "organisationId": 1,
        "account": attester.address,
        "by": by,
    }
    assert not registry.isOrganisationAttester(1, attester.address)


@pytest.mark.parametrize("function", ["addOrganisationAttester", "removeOrganisationAttester"])
def test_manager_of_another_organisation_reverts_with_not_organisation_manager(
    registry, second_organisation, bob, attester, function
):
    with reverts_with("RegistryNotOrganisationManager", 1, bob):
        getattr(registry, function)(1, attester.address, {"from": bob})
    assert registry.isOrganisationAttester(1, attester.address)


def test_admin_without_registrar_role_reverts_with_not_organisation_manager(registry, admin, outsider):
    with reverts_with("RegistryNotOrganisationManager", 1, admin):
        registry.addOrganisationAttester(1, outsider.address, {"from": admin})
    assert not registry.isOrganisationAttester(1, outsider.address)


def test_attester_of_one_organisation_is_not_an_attester_of_another(registry, second_organisation, attester):
    assert registry.isOrganisationAttester(1, attester.address)
    assert not registry.isOrganisationAttester(second_organisation, attester.address)


def test_zero_address_attester_reverts_with_zero_address(registry, organiser):
    with reverts_with("RegistryZeroAddress"):
        registry.addOrganisationAttester(1, ZERO_ADDRESS, {"from": organiser})


@pytest.mark.parametrize("function", ["addOrganisationAttester", "removeOrganisationAttester"])
@pytest.mark.parametrize("organisation_id", [0, 2])
def test_attesters_of_an_unknown_organisation_revert_with_unknown_organisation(
    registry, registrar, attester, function, organisation_id
):
    with reverts_with("RegistryUnknownOrganisation", organisation_id):
        getattr(registry, function)(organisation_id, attester.address, {"from": registrar})
