"""Read-only views of the ledger agree with the Python side (uids, EIP-712 domain)."""

from brownie import chain
from helpers_ledger import AttestationStatus, attestation_of, uid_of

from yilian.chain.eip712 import ledger_domain


def test_attestation_status_goes_from_none_to_accepted_to_revoked(ledger, auditor, activity, volunteers, sign):
    alice, _ = volunteers
    uid = uid_of(alice, activity, 4)
    assert attestation_of(ledger, alice, activity, 4) == (uid, AttestationStatus.NONE, 0)

    ledger.attest(sign(alice, activity, session=4, minutes=45), {"from": alice})
    assert attestation_of(ledger, alice, activity, 4) == (uid, AttestationStatus.ACCEPTED, 45)

    ledger.revoke(alice, activity, 4, "error", {"from": auditor})
    assert attestation_of(ledger, alice, activity, 4) == (uid, AttestationStatus.REVOKED, 0)


def test_attestation_of_a_session_out_of_range_is_none(ledger, activity, volunteers):
    alice, _ = volunteers
    assert attestation_of(ledger, alice, activity, 16) == (
        uid_of(alice, activity, 16),
        AttestationStatus.NONE,
        0,
    )


def test_uid_of_matches_the_python_uid(ledger, volunteers):
    alice, _ = volunteers
    keys = [(1, 0), (2**64 - 1, 15), (7, 2**16 - 1)]
    assert [ledger.uidOf(alice, a, s) for a, s in keys] == [uid_of(alice, a, s) for a, s in keys]


def test_domain_separator_matches_the_python_ledger_domain(ledger):
    assert ledger.domainSeparator() == "0x" + ledger_domain(chain.id, ledger.address).separator.hex()


def test_session_constants(ledger):
    assert ledger.MAX_SESSIONS() == 16
    assert ledger.MAX_SESSION_MINUTES() == 0xFFFE
