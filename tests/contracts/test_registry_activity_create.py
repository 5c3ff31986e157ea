"""An organisation's managers create its activities: a time window, a minute cap, a rate."""

import pytest
from brownie import chain
from helpers_ledger import DAY, ActivityStatus, reverts_with


@pytest.fixture
def window():
    now = chain.time()
    return now, now + DAY


def test_created_activity_is_open_with_its_terms_and_announced(registry, organiser, window):
    starts_at, ends_at = window
    tx = registry.createActivity(1, 7, starts_at, ends_at, 480, 12, {"from": organiser})

    assert tx.events["ActivityCreated"] == {
        "activityId": 1,
        "organisationId": 1,
        "category": 7,
        "startsAt": starts_at,
        "endsAt": ends_at,
        "minuteCap": 480,
        "pointsPerHour": 12,
    }
    assert registry.activity(1).dict() == {
        "organisationId": 1,
        "startsAt": starts_at,
        "endsAt": ends_at,
        "minuteCap": 480,
        "pointsPerHour": 12,
        "category": 7,
        "status": ActivityStatus.OPEN,
    }
    assert registry.activityCount() == 1


def test_activity_ids_count_up_from_one(registry, organiser, window):
    ids = [
        registry.createActivity(1, 1, *window, 60, 10, {"from": organiser}).events["ActivityCreated"]["activityId"]
        for _ in range(2)
    ]
    assert ids == [1, 2]
    assert registry.activityCount() == 2


def test_activity_without_points_is_allowed(registry, organiser, window):
    registry.createActivity(1, 1, *window, 60, 0, {"from": organiser})

    assert registry.activity(1)["pointsPerHour"] == 0


def test_non_manager_reverts_with_not_organisation_manager(registry, bob, window):
    with reverts_with("RegistryNotOrganisationManager", 1, bob):
        registry.createActivity(1, 1, *window, 600, 10, {"from": bob})


@pytest.mark.parametrize("organisation_id", [0, 2])
def test_unknown_organisation_reverts_with_unknown_organisation(registry, organiser, window, organisation_id):
    with reverts_with("RegistryUnknownOrganisation", organisation_id):
        registry.createActivity(organisation_id, 1, *window, 600, 10, {"from": organiser})


@pytest.mark.parametrize("length", [0, -1], ids=["empty", "reversed"])
def test_window_not_ending_after_its_start_reverts_with_invalid_window(registry, organiser, window, length):
    starts_at, _ = window
    ends_at = starts_at + length
    with reverts_with("RegistryInvalidActivityWindow", starts_at, ends_at):
        registry.createActivity(1, 1, starts_at, ends_at, 600, 10, {"from": organiser})


def test_zero_minute_cap_reverts_with_invalid_terms(registry, organiser, window):
    with reverts_with("RegistryInvalidActivityTerms", 0, 10):
        registry.createActivity(1, 1, *window, 0, 10, {"from": organiser})
