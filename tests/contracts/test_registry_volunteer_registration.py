"""Registrars register volunteers: an address and a salted identity hash, active at once."""

from brownie import ZERO_ADDRESS, chain
from helpers_ledger import VolunteerStatus, reverts_with

IDENTITY = "0x" + "5a" * 32


def test_registered_volunteer_is_active_with_the_identity_hash(registry, registrar, alice):
    tx = registry.registerVolunteer(alice, IDENTITY, {"from": registrar})

    assert tx.events["VolunteerRegistered"] == {"volunteer": alice, "identityHash": IDENTITY}
    assert registry.volunteer(alice).dict() == {
        "status": VolunteerStatus.ACTIVE,
        "registeredAt": chain[tx.block_number].timestamp,
        "identityHash": IDENTITY,
    }


def test_zero_address_reverts_with_zero_address(registry, registrar):
    with reverts_with("RegistryZeroAddress"):
        registry.registerVolunteer(ZERO_ADDRESS, IDENTITY, {"from": registrar})


def test_empty_identity_hash_reverts_with_empty_identity_hash(registry, registrar, alice):
    with reverts_with("RegistryEmptyIdentityHash", alice):
        registry.registerVolunteer(alice, bytes(32), {"from": registrar})


def test_second_registration_reverts_with_already_registered(registry, registrar, alice):
    registry.registerVolunteer(alice, IDENTITY, {"from": registrar})

    with reverts_with("RegistryVolunteerAlreadyRegistered", alice):
        registry.registerVolunteer(alice, "0x" + "5b" * 32, {"from": registrar})
    assert registry.volunteer(alice)["identityHash"] == IDENTITY


def test_suspended_volunteer_cannot_register_again(registry, registrar, alice):
    registry.registerVolunteer(alice, IDENTITY, {"from": registrar})
    registry.suspendVolunteer(alice, "duplicate account", {"from": registrar})

    with reverts_with("RegistryVolunteerAlreadyRegistered", alice):
        registry.registerVolunteer(alice, IDENTITY, {"from": registrar})
