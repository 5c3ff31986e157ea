"""Brownie fixtures for the contract tests: a fresh deployment per module, isolated per test.

Named accounts play the roles of the README (registrar, auditor, manager). The attester signs
with a key we hold in Python (eth-account), exactly like the relay does, so signatures here are
the relay's signatures.
"""

import os

import pytest
from brownie import HourLedger, MerchantAlliance, VolunteerRegistry, YiCoin, accounts, chain
from eth_account import Account

from yilian.chain.eip712 import FastSigner, HourAttestation, ledger_domain
from yilian.chain.ledger_batch import sign_batch as sign_batch_with

DAY = 86_400
REVOCATION_WINDOW = 30 * DAY
# Deterministic test-only keys: never used anywhere but this local test chain.
ATTESTER_KEY = "0x" + "a1" * 32
OUTSIDER_KEY = "0x" + "b2" * 32


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="module")
def admin():
    return accounts[0]


@pytest.fixture(scope="module")
def registrar():
    return accounts[1]


@pytest.fixture(scope="module")
def organiser():
    return accounts[2]


@pytest.fixture(scope="module")
def auditor():
    return accounts[3]


@pytest.fixture(scope="module")
def merchant():
    return accounts[4]


@pytest.fixture(scope="module")
def alice():
    return accounts[5]


@pytest.fixture(scope="module")
def bob():
    return accounts[6]


@pytest.fixture(scope="module")
def attester():
    return FastSigner(ATTESTER_KEY)


@pytest.fixture(scope="module")
def outsider():
    """Signs like an attester but attests for no organisation."""
    return FastSigner(OUTSIDER_KEY)


@pytest.fixture(scope="module")
def registry(admin, registrar, organiser, attester):
    """Organisation 1, managed by `organiser`, signs its hours with `attester`."""
    registry = VolunteerRegistry.deploy(admin, {"from": admin})
    registry.grantRole(registry.REGISTRAR_ROLE(), registrar, {"from": admin})
    registry.createOrganisation(b"\x01" * 32, {"from": registrar})
    registry.addOrganisationManager(1, organiser, {"from": registrar})
    registry.addOrganisationAttester(1, attester.address, {"from": organiser})
    return registry


@pytest.fixture(scope="module")
def ledger(admin, registry, auditor):
    ledger = HourLedger.deploy(admin, registry, REVOCATION_WINDOW, {"from": admin})
    ledger.grantRole(ledger.AUDITOR_ROLE(), auditor, {"from": admin})
    registry.setStatusMirror(ledger, {"from": admin})  # as deployment.py connects them
    return ledger


@pytest.fixture(scope="module")
def yicoin(ledger):
    return YiCoin.at(ledger.yiCoin())


@pytest.fixture(scope="module")
def alliance(admin, yicoin, merchant):
    alliance = MerchantAlliance.deploy(admin, yicoin, {"from": admin})
    yicoin.setAlliance(alliance, {"from": admin})
    alliance.grantRole(alliance.MERCHANT_MANAGER_ROLE(), admin, {"from": admin})
    alliance.registerMerchant(merchant, 1, b"\x03" * 32, {"from": admin})
    return alliance


@pytest.fixture(scope="module")
def activity(registry, organiser):
    """Activity 1: open from a day ago for two days, 10 points/hour, 600-minute cap."""
    now = chain.time()
    registry.createActivity(1, 1, now - DAY, now + DAY, 600, 10, {"from": organiser})
    return 1


@pytest.fixture(scope="module")
def volunteers(registry, registrar, alice, bob):
    for volunteer in (alice, bob):
        registry.registerVolunteer(volunteer, os.urandom(32), {"from": registrar})
    return alice, bob


@pytest.fixture(scope="module")
def sign(ledger, attester):
    """Builds and signs an attestation: `sign(volunteer, activity_id, ...)` → ledger call args."""
    domain = ledger_domain(chain.id, ledger.address)

    def _sign(
        volunteer, activity_id, *, session=0, minutes=45, check_in=None, check_out=None, signer=None, evidence=None
    ):
        check_out = check_out if check_out is not None else chain.time() - 60
        check_in = check_in if check_in is not None else check_out - minutes * 60
        attestation = HourAttestation(
            volunteer=str(volunteer),
            activity_id=activity_id,
            session=session,
            check_in=check_in,
            check_out=check_out,
            service_minutes=minutes,
            evidence_hash=evidence or os.urandom(32),
        )
        r, vs = (signer or attester).sign_attestation(attestation, domain).compact()
        fields = (
            attestation.volunteer,
            activity_id,
            session,
            check_in,
            check_out,
            minutes,
            attestation.evidence_hash,
        )
        return (fields, r, vs)

    return _sign


@pytest.fixture(scope="module")
def sign_batch(ledger, attester):
    """`attestBatch`'s arguments for items made by `sign` (their own signatures are dropped):
    the fields, the attester and its one signature over them all, as the relay sends them."""
    domain = ledger_domain(chain.id, ledger.address)

    def _sign_batch(signed_items, *, signer=None):
        fields = [signed[0] for signed in signed_items]
        batch = sign_batch_with(signer or attester, [HourAttestation(*f) for f in fields], domain)
        return fields, batch.attester, batch.r, batch.vs

    return _sign_batch


@pytest.fixture(scope="module")
def volunteer_key():
    """A volunteer who holds their own key (for voucher signing)."""
    return Account.from_key("0x" + "c3" * 32)


# --- Market fixtures (test_yicoin_*, test_alliance_*, test_stateful_*) ------------------------


@pytest.fixture(scope="module")
def offer(alliance, merchant):
    """An offer of `merchant`: 3.00 益币 an item, 5 in stock, valid from a day ago for 30 days."""
    from helpers_market import open_offer

    return open_offer(alliance, merchant)


@pytest.fixture(scope="module")
def key_holder(registry, registrar, ledger, activity, sign, volunteer_key):
    """`volunteer_key`'s address: a registered volunteer with 10.00 益币 (60 minutes) earned."""
    from helpers_market import earn

    registry.registerVolunteer(volunteer_key.address, os.urandom(32), {"from": registrar})
    earn(ledger, sign, volunteer_key.address, activity, minutes=60)
    return volunteer_key.address


@pytest.fixture(scope="module")
def holder(ledger, sign, activity, volunteers):
    """Alice after an hour of service in `activity`: 10.00 益币."""
    from helpers_market import earn

    earn(ledger, sign, volunteers[0], activity)
    return volunteers[0]
