"""An attester signs only for its own organisation's activities: a key of organisation A
cannot create hours in organisation B's activities, in a batch or one by one."""

import pytest
from helpers_ledger import Rejection, accepted_uids, create_activity, rejections, reverts_with, uid_of


@pytest.fixture
def other_organisation(registry, registrar, bob, outsider):
    """Organisation 2, managed by bob, signs with `outsider`'s key; it runs activity 2."""
    registry.createOrganisation(b"\x02" * 32, {"from": registrar})
    registry.addOrganisationManager(2, bob, {"from": registrar})
    registry.addOrganisationAttester(2, outsider.address, {"from": bob})
    return create_activity(registry, bob, organisation_id=2)


def test_batch_signed_by_another_organisations_attester_rejects_the_foreign_item_with_its_reason(
    ledger, activity, other_organisation, volunteers, sign, sign_batch, outsider
):
    alice, bob = volunteers
    foreign = sign(alice, activity)  # org 1's activity, in a batch org 2's key signs
    own = sign(bob, other_organisation)

    tx = ledger.attestBatch(*sign_batch([foreign, own], signer=outsider), {"from": alice})

    assert rejections(tx) == [(uid_of(alice, activity, 0), alice, activity, Rejection.SIGNER_NOT_ORGANISATION_ATTESTER)]
    assert accepted_uids(tx) == [uid_of(bob, other_organisation, 0)]
    assert ledger.minutesInActivity(alice, activity) == 0


def test_terms_kept_for_a_run_of_one_activity_are_asked_again_when_the_activity_changes(
    ledger, activity, other_organisation, volunteers, sign, sign_batch
):
    """Org 1's key: its activity, then org 2's, then its own again; each item judged by its own
    activity's organisation, however the batch interleaves them."""
    alice, bob = volunteers
    items = [sign(alice, activity), sign(bob, other_organisation), sign(bob, activity), sign(alice, other_organisation)]

    tx = ledger.attestBatch(*sign_batch(items), {"from": alice})

    assert accepted_uids(tx) == [uid_of(alice, activity, 0), uid_of(bob, activity, 0)]
    assert rejections(tx) == [
        (uid_of(bob, other_organisation, 0), bob, other_organisation, Rejection.SIGNER_NOT_ORGANISATION_ATTESTER),
        (uid_of(alice, other_organisation, 0), alice, other_organisation, Rejection.SIGNER_NOT_ORGANISATION_ATTESTER),
    ]


def test_attester_of_another_organisation_reverts_attest_with_the_signer_and_organisation(
    ledger, yicoin, activity, other_organisation, volunteers, sign, attester
):
    alice, _ = volunteers
    foreign = sign(alice, other_organisation, signer=attester)  # org 1's key, org 2's activity

    with reverts_with("HourLedgerSignerNotOrganisationAttester", attester.address, other_organisation, 2):
        ledger.attest(foreign, {"from": alice})
    assert (ledger.minutesServed(alice), yicoin.balanceOf(alice)) == (0, 0)


def test_attester_of_both_organisations_is_accepted_in_both(
    ledger, registry, registrar, activity, other_organisation, volunteers, sign, sign_batch, attester
):
    alice, _ = volunteers
    registry.addOrganisationAttester(2, attester.address, {"from": registrar})

    tx = ledger.attestBatch(
        *sign_batch([sign(alice, activity, minutes=30), sign(alice, other_organisation, minutes=20)]),
        {"from": alice},
    )

    assert rejections(tx) == []
    assert ledger.minutesServed(alice) == 50
