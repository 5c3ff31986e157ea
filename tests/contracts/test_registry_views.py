"""Read-only views of the registry, including the two the ledger asks: an activity's terms with
the signer's right (once per activity in a batch) and a volunteer's status (per attestation)."""

from helpers_ledger import ActivityStatus, VolunteerStatus, unregistered_account


def test_service_terms_return_the_activity_and_the_signers_right(registry, activity, volunteers, attester, outsider):
    alice, _ = volunteers
    terms, signer_attests = registry.serviceTerms(activity, attester.address)

    assert terms == registry.activity(activity)
    assert signer_attests
    assert not registry.serviceTerms(activity, outsider.address)[1]
    assert registry.volunteerStatus(alice) == VolunteerStatus.ACTIVE


def test_service_terms_of_unknown_volunteer_and_activity_are_empty(registry, attester):
    terms, signer_attests = registry.serviceTerms(9, attester.address)

    assert registry.volunteerStatus(unregistered_account()) == VolunteerStatus.NONE
    assert terms["status"] == ActivityStatus.NONE
    assert terms["endsAt"] == 0
    assert not signer_attests  # an unknown activity has no organisation, so no attesters


def test_unknown_volunteer_reads_as_an_empty_record(registry):
    assert registry.volunteer(unregistered_account()).dict() == {
        "status": VolunteerStatus.NONE,
        "registeredAt": 0,
        "identityHash": "0x" + "00" * 32,
    }


def test_nobody_manages_an_unknown_organisation(registry, organiser):
    assert not registry.isOrganisationManager(9, organiser)
