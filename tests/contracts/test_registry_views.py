"""Read-only views of the registry, including the one call the ledger makes per attestation."""

from helpers_ledger import ActivityStatus, VolunteerStatus, unregistered_account


def test_service_terms_return_the_volunteer_status_and_the_activity(
    registry, activity, volunteers
):
    alice, _ = volunteers
    status, terms = registry.serviceTerms(alice, activity)

    assert status == VolunteerStatus.ACTIVE
    assert terms == registry.activity(activity)


def test_service_terms_of_unknown_volunteer_and_activity_are_empty(registry):
    status, terms = registry.serviceTerms(unregistered_account(), 9)

    assert status == VolunteerStatus.NONE
    assert terms["status"] == ActivityStatus.NONE
    assert terms["endsAt"] == 0


def test_unknown_volunteer_reads_as_an_empty_record(registry):
    assert registry.volunteer(unregistered_account()).dict() == {
        "status": VolunteerStatus.NONE, "registeredAt": 0, "identityHash": "0x" + "00" * 32,
    }


def test_nobody_manages_an_unknown_organisation(registry, organiser):
    assert not registry.isOrganisationManager(9, organiser)
