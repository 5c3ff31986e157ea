"""The ledger keeps the registry's copy of each volunteer's status in the volunteer's account
slot (no registry call per attestation): the registry writes every status it sets there, once
the ledger is its mirror; a volunteer registered before that is asked from the registry."""

import os

import pytest
from brownie import HourLedger, VolunteerRegistry, accounts, chain
from helpers_ledger import VolunteerStatus, create_activity, reverts_with

from yilian.chain.eip712 import HourAttestation, ledger_domain


@pytest.fixture
def early(admin, attester):
    """A registry whose volunteer `accounts[7]` registered before the ledger became its mirror."""
    registry = VolunteerRegistry.deploy(admin, {"from": admin})
    registry.grantRole(registry.REGISTRAR_ROLE(), admin, {"from": admin})
    registry.createOrganisation(b"\x01" * 32, {"from": admin})
    registry.addOrganisationManager(1, admin, {"from": admin})
    registry.addOrganisationAttester(1, attester.address, {"from": admin})
    registry.registerVolunteer(accounts[7], os.urandom(32), {"from": admin})
    ledger = HourLedger.deploy(admin, registry, 0, {"from": admin})
    registry.setStatusMirror(ledger, {"from": admin})
    return registry, ledger, create_activity(registry, admin)


def _attest(ledger, sign, attester, volunteer, activity, session):
    """`sign`'s attestation, signed under this ledger's own domain."""
    fields, _, _ = sign(volunteer, activity, session=session)
    domain = ledger_domain(chain.id, ledger.address)
    r, vs = attester.sign_attestation(HourAttestation(*fields), domain).compact()
    return ledger.attest((fields, r, vs), {"from": volunteer})


def test_a_volunteer_registered_before_the_mirror_is_judged_by_the_registry(early, sign, attester, admin):
    registry, ledger, activity = early
    volunteer = accounts[7]
    _attest(ledger, sign, attester, volunteer, activity, 0)
    registry.suspendVolunteer(volunteer, "under review", {"from": admin})

    with reverts_with("HourLedgerVolunteerNotActive", volunteer, VolunteerStatus.SUSPENDED):
        _attest(ledger, sign, attester, volunteer, activity, 1)
    registry.reinstateVolunteer(volunteer, {"from": admin})
    _attest(ledger, sign, attester, volunteer, activity, 1)

    assert ledger.minutesServed(volunteer) == 90


def test_only_the_registry_writes_the_mirror(ledger, volunteers, admin):
    alice, _ = volunteers
    with reverts_with("HourLedgerNotRegistry", admin):
        ledger.mirrorVolunteerStatus(alice, VolunteerStatus.SUSPENDED, {"from": admin})


def test_the_mirror_is_set_once_by_the_admin(registry, ledger, admin, registrar):
    assert registry.statusMirror() == ledger
    with reverts_with("AccessControlUnauthorizedAccount", registrar, registry.DEFAULT_ADMIN_ROLE()):
        registry.setStatusMirror(registrar, {"from": registrar})
    with reverts_with("RegistryStatusMirrorAlreadySet", ledger):
        registry.setStatusMirror(registrar, {"from": admin})


def test_a_registry_without_a_mirror_refuses_the_zero_address(admin):
    registry = VolunteerRegistry.deploy(admin, {"from": admin})
    with reverts_with("RegistryZeroAddress"):
        registry.setStatusMirror("0x" + "00" * 20, {"from": admin})
    assert registry.statusMirror() == "0x" + "00" * 20
