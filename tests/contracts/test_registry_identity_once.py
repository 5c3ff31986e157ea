"""One person, one volunteer: an identity hash registers one account only."""

from helpers_ledger import VolunteerStatus, reverts_with

IDENTITY = b"\x6b" * 32  # bytes: Brownie reports a bytes32 in a revert as b"..."


def test_second_account_with_the_same_identity_reverts_with_hash_and_first_account(registry, registrar, alice, bob):
    registry.registerVolunteer(alice, IDENTITY, {"from": registrar})

    with reverts_with("RegistryIdentityAlreadyRegistered", IDENTITY, alice):
        registry.registerVolunteer(bob, IDENTITY, {"from": registrar})
    assert registry.volunteer(bob)["status"] == VolunteerStatus.NONE


def test_identity_hash_names_its_account(registry, registrar, alice):
    registry.registerVolunteer(alice, IDENTITY, {"from": registrar})

    assert registry.volunteerOfIdentity(IDENTITY) == alice
    assert registry.volunteerOfIdentity(b"\x6c" * 32) == "0x" + "00" * 20
