"""Items of one volunteer in one activity within a batch see each other: sessions add up,
a repeated session is a replay, and the cap counts the earlier items."""

from helpers_ledger import AttestationStatus, Rejection, accepted_uids, attestation_of, rejections, uid_of


def test_two_sessions_in_one_batch_are_both_kept(ledger, activity, volunteers, sign, sign_batch):
    alice, _ = volunteers
    ledger.attestBatch(
        *sign_batch([sign(alice, activity, session=0, minutes=45), sign(alice, activity, session=1, minutes=30)]),
        {"from": alice},
    )

    assert attestation_of(ledger, alice, activity, 0)[1:] == (AttestationStatus.ACCEPTED, 45)
    assert attestation_of(ledger, alice, activity, 1)[1:] == (AttestationStatus.ACCEPTED, 30)
    assert ledger.minutesInActivity(alice, activity) == 75
    assert ledger.minutesServed(alice) == 75


def test_same_session_twice_in_one_batch_is_accepted_once(ledger, yicoin, activity, volunteers, sign, sign_batch):
    alice, _ = volunteers
    tx = ledger.attestBatch(
        *sign_batch([sign(alice, activity, minutes=45), sign(alice, activity, minutes=50)]), {"from": alice}
    )

    uid = uid_of(alice, activity, 0)
    assert accepted_uids(tx) == [uid]
    assert rejections(tx) == [(uid, alice, activity, Rejection.ALREADY_ACCEPTED)]
    assert ledger.minutesInActivity(alice, activity) == 45
    assert yicoin.balanceOf(alice) == 750


def test_item_exceeding_the_cap_left_by_earlier_items_is_rejected(ledger, activity, volunteers, sign, sign_batch):
    alice, _ = volunteers
    tx = ledger.attestBatch(
        *sign_batch(
            [
                sign(alice, activity, session=0, minutes=400),
                sign(alice, activity, session=1, minutes=201),
                sign(alice, activity, session=2, minutes=200),
            ]
        ),
        {"from": alice},
    )

    assert rejections(tx) == [(uid_of(alice, activity, 1), alice, activity, Rejection.OVER_MINUTE_CAP)]
    assert ledger.minutesInActivity(alice, activity) == 600
