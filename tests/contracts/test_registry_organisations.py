"""Registrars create organisations, numbered from 1, each with its profile hash."""

from helpers_ledger import reverts_with

PROFILE = "0x" + "0a" * 32


def test_created_organisation_gets_the_next_id_and_is_announced(registry, registrar):
    tx = registry.createOrganisation(PROFILE, {"from": registrar})

    assert tx.events["OrganisationCreated"] == {"organisationId": 2, "profileHash": PROFILE}
    assert registry.createOrganisation.call(PROFILE, {"from": registrar}) == 3
    assert registry.organisationCount() == 2
    assert registry.organisationProfile(2) == PROFILE


def test_new_organisation_has_no_managers(registry, registrar, organiser):
    registry.createOrganisation(PROFILE, {"from": registrar})

    assert not registry.isOrganisationManager(2, organiser)
    assert registry.isOrganisationManager(1, organiser)


def test_profile_of_an_unknown_organisation_reverts_with_unknown_organisation(registry):
    for unknown in (0, 2):
        with reverts_with("RegistryUnknownOrganisation", unknown):
            registry.organisationProfile(unknown)
