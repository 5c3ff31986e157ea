"""A batch accepts every valid item and reports each invalid one with its reason, without
reverting; resubmitting the batch accepts nothing twice."""

from typing import NamedTuple

import pytest
from helpers_ledger import Rejection, accepted_uids, create_activity, rejections, uid_of, unregistered_account


class Item(NamedTuple):
    reason: int  # Rejection.NONE for a valid item
    volunteer: str
    activity_id: int
    session: int
    signed: tuple

    @property
    def uid(self):
        return uid_of(self.volunteer, self.activity_id, self.session)

    def rejected(self, reason):
        return self.uid, self.volunteer, self.activity_id, reason


@pytest.fixture
def items(ledger, registry, registrar, auditor, activity, volunteers, sign):
    """Two valid items and one item for each rejection an item can have on its own (a bad
    batch signature rejects them all: test_ledger_batch_signature.py). Before the batch Alice
    has session 1 accepted (30 min) and session 2 revoked; activity 2 is organisation 2's."""
    alice, bob = volunteers
    registry.createOrganisation(b"\x02" * 32, {"from": registrar})
    registry.addOrganisationManager(2, registrar, {"from": registrar})
    foreign_activity = create_activity(registry, registrar, organisation_id=2)
    stranger = unregistered_account()
    ledger.attest(sign(alice, activity, session=1, minutes=30), {"from": alice})
    ledger.attest(sign(alice, activity, session=2, minutes=30), {"from": alice})
    ledger.revoke(alice, activity, 2, "duplicate", {"from": auditor})
    starts_at = registry.activity(activity)["startsAt"]

    def item(reason, volunteer, session=0, activity_id=activity, **signing):
        signed = sign(volunteer, activity_id, session=session, **signing)
        return Item(reason, str(volunteer), activity_id, session, signed)

    return [
        item(Rejection.NONE, alice, 0, minutes=60),
        item(Rejection.SIGNER_NOT_ORGANISATION_ATTESTER, bob, 1, activity_id=foreign_activity),
        item(Rejection.ALREADY_ACCEPTED, alice, 1),
        item(Rejection.ALREADY_REVOKED, alice, 2),
        item(Rejection.SESSION_OUT_OF_RANGE, alice, 16),
        item(Rejection.INVALID_SERVICE_TIME, bob, 2, minutes=0),
        item(Rejection.VOLUNTEER_NOT_ACTIVE, stranger),
        item(Rejection.UNKNOWN_ACTIVITY, alice, activity_id=99),
        item(Rejection.OUTSIDE_ACTIVITY_WINDOW, bob, 3, check_in=starts_at - 60, check_out=starts_at + 3600),
        item(Rejection.OVER_MINUTE_CAP, bob, 4, minutes=601),
        item(Rejection.NONE, bob, 5, minutes=30),
    ]


@pytest.fixture
def submit(ledger, sign_batch):
    def _submit(items, sender):
        return ledger.attestBatch(*sign_batch([i.signed for i in items]), {"from": sender})

    return _submit


def test_batch_accepts_the_valid_items_and_reports_each_rejection(ledger, items, bob, submit, sign_batch):
    assert ledger.attestBatch.call(*sign_batch([i.signed for i in items]), {"from": bob}) == 2

    tx = submit(items, bob)

    assert tx.status == 1
    assert accepted_uids(tx) == [i.uid for i in items if i.reason == Rejection.NONE]
    assert rejections(tx) == [i.rejected(i.reason) for i in items if i.reason != Rejection.NONE]


def test_batch_takes_effect_for_the_valid_items_only(ledger, yicoin, items, bob, activity, volunteers, submit):
    alice, _ = volunteers
    submit(items, bob)

    assert ledger.minutesInActivity(alice, activity) == 30 + 60
    assert ledger.minutesInActivity(bob, activity) == 30
    assert yicoin.balanceOf(bob) == 500
    assert ledger.minutesServed(unregistered_account()) == 0


def test_resubmitted_batch_reports_its_accepted_items_as_already_accepted(ledger, yicoin, items, bob, submit):
    submit(items, bob)
    supply = yicoin.totalSupply()

    tx = submit(items, bob)

    assert accepted_uids(tx) == []
    assert rejections(tx) == [
        i.rejected(Rejection.ALREADY_ACCEPTED if i.reason == Rejection.NONE else i.reason) for i in items
    ]
    assert yicoin.totalSupply() == supply
