"""One attester signature covers a whole batch: exactly its items, in their order. A batch whose
signature is not its attester's over those items never reverts: each item not already settled
is rejected InvalidSignature, and nothing is recorded. A replayed batch is reported item by item
as AlreadyAccepted, for a fraction of the gas of its first submission."""

import pytest
from helpers_ledger import Rejection, accepted_uids, rejections, uid_of


@pytest.fixture
def sessions(activity, volunteers, sign):
    alice, bob = volunteers
    return [sign(alice, activity, minutes=45), sign(bob, activity, minutes=30), sign(alice, activity, session=1)]


def _rejected_all(tx, signed_items, reason):
    return rejections(tx) == [(uid_of(f[0], f[1], f[2]), f[0], f[1], reason) for f, _, _ in signed_items]


def test_a_tampered_item_rejects_every_item_as_invalid_signature(ledger, yicoin, sessions, sign_batch, bob):
    fields, attester, r, vs = sign_batch(sessions)
    fewer_minutes = (*fields[1][:5], 20, fields[1][6])

    tx = ledger.attestBatch([fields[0], fewer_minutes, fields[2]], attester, r, vs, {"from": bob})

    assert tx.status == 1 and accepted_uids(tx) == []
    assert _rejected_all(tx, sessions, Rejection.INVALID_SIGNATURE)
    assert yicoin.totalSupply() == 0


def test_reordered_or_shortened_items_are_not_the_signed_batch(ledger, sessions, sign_batch, bob):
    fields, attester, r, vs = sign_batch(sessions)

    reordered = ledger.attestBatch([fields[1], fields[0], fields[2]], attester, r, vs, {"from": bob})
    shortened = ledger.attestBatch(fields[:2], attester, r, vs, {"from": bob})

    assert _rejected_all(reordered, [sessions[1], sessions[0], sessions[2]], Rejection.INVALID_SIGNATURE)
    assert _rejected_all(shortened, sessions[:2], Rejection.INVALID_SIGNATURE)


def test_a_claimed_attester_that_did_not_sign_is_an_invalid_signature(ledger, sessions, sign_batch, outsider, bob):
    fields, _, r, vs = sign_batch(sessions, signer=outsider)
    _, attester, _, _ = sign_batch(sessions)

    tx = ledger.attestBatch(fields, attester, r, vs, {"from": bob})

    assert _rejected_all(tx, sessions, Rejection.INVALID_SIGNATURE)


def test_a_batch_signed_by_no_organisations_attester_is_rejected_item_by_item(
    ledger, sessions, sign_batch, outsider, bob
):
    tx = ledger.attestBatch(*sign_batch(sessions, signer=outsider), {"from": bob})

    assert _rejected_all(tx, sessions, Rejection.SIGNER_NOT_ORGANISATION_ATTESTER)


def test_a_replayed_batch_is_already_accepted_item_by_item_and_cheap(ledger, yicoin, sessions, sign_batch, bob):
    batch = sign_batch(sessions)
    first = ledger.attestBatch(*batch, {"from": bob})
    supply = yicoin.totalSupply()

    replay = ledger.attestBatch(*batch, {"from": bob})

    assert len(accepted_uids(first)) == 3
    assert _rejected_all(replay, sessions, Rejection.ALREADY_ACCEPTED)
    assert yicoin.totalSupply() == supply
    assert replay.gas_used < first.gas_used / 2


def test_settled_items_are_reported_as_such_before_the_signature_is_judged(ledger, sessions, sign_batch, bob):
    """The replay guard comes first: a resubmitted item says AlreadyAccepted even in a batch
    whose signature fails, so the relay settles it rather than retrying it."""
    ledger.attestBatch(*sign_batch(sessions[:1]), {"from": bob})
    fields, attester, r, vs = sign_batch(sessions)

    tx = ledger.attestBatch(fields, attester, vs, r, {"from": bob})

    assert rejections(tx)[0][3] == Rejection.ALREADY_ACCEPTED
    assert [reason for *_, reason in rejections(tx)[1:]] == [Rejection.INVALID_SIGNATURE] * 2


def test_an_empty_batch_accepts_nothing(ledger, sign_batch, bob):
    assert ledger.attestBatch.call(*sign_batch([]), {"from": bob}) == 0
