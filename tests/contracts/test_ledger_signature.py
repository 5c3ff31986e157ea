"""Only an organisation attester's EIP-712 signature over exactly these fields, for this chain and this
ledger, is accepted. Any other signature recovers to some other address."""

import pytest
from brownie import chain
from helpers_ledger import HOUR, recovered_signer, resigned, reverts_with

from yilian.chain.eip712 import SECP256K1_N, ledger_domain

HIGH_S = (SECP256K1_N // 2 + 1).to_bytes(32, "big")  # s above n/2: refused by OpenZeppelin


@pytest.fixture
def signed(activity, volunteers, sign):
    """45 minutes of service during an hour on site."""
    alice, _ = volunteers
    check_out = chain.time() - 60
    return sign(alice, activity, minutes=45, check_in=check_out - HOUR, check_out=check_out)


@pytest.fixture
def domain(ledger):
    return ledger_domain(chain.id, ledger.address)


@pytest.mark.parametrize(("r", "vs"), [(bytes(32), bytes(32)), (b"\x01" * 32, HIGH_S)], ids=["zero", "high-s"])
def test_malformed_signature_reverts_with_invalid_signature(ledger, bob, signed, r, vs):
    with reverts_with("HourLedgerInvalidSignature"):
        ledger.attest((signed[0], r, vs), {"from": bob})


def test_signature_of_an_account_attesting_for_no_organisation_reverts_with_signer_not_attester(
    ledger, bob, activity, volunteers, sign, outsider
):
    alice, _ = volunteers
    with reverts_with("HourLedgerSignerNotOrganisationAttester", outsider.address, activity, 1):
        ledger.attest(sign(alice, activity, signer=outsider), {"from": bob})


def test_signature_of_a_former_attester_reverts_with_signer_not_attester(
    ledger, registry, organiser, admin, attester, activity, signed
):
    registry.removeOrganisationAttester(1, attester.address, {"from": organiser})

    with reverts_with("HourLedgerSignerNotOrganisationAttester", attester.address, activity, 1):
        ledger.attest(signed, {"from": admin})


@pytest.mark.parametrize("wrong", ["chain id", "contract"])
def test_signature_for_another_domain_reverts_with_signer_not_attester(
    ledger, registry, bob, attester, activity, signed, domain, wrong
):
    other = (
        ledger_domain(chain.id + 1, ledger.address)
        if wrong == "chain id"
        else ledger_domain(chain.id, registry.address)
    )
    foreign = resigned(signed, attester, other)
    impostor = recovered_signer(foreign, domain)
    assert impostor != attester.address

    with reverts_with("HourLedgerSignerNotOrganisationAttester", impostor, activity, 1):
        ledger.attest(foreign, {"from": bob})


def test_signature_over_other_minutes_reverts_with_signer_not_attester(ledger, bob, activity, signed, domain):
    fields, r, vs = signed
    inflated = ((*fields[:5], 60, fields[6]), r, vs)

    with reverts_with("HourLedgerSignerNotOrganisationAttester", recovered_signer(inflated, domain), activity, 1):
        ledger.attest(inflated, {"from": bob})
