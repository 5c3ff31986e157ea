"""Closing an activity ends its window at the closing time: earlier service stays attestable,
later service is outside the window."""

import pytest
from brownie import chain
from helpers_ledger import DAY, HOUR, ActivityStatus, create_activity, reverts_with, window_of


def test_closing_a_running_activity_ends_its_window_now(registry, organiser, activity):
    starts_at, _ = window_of(registry, activity)
    tx = registry.closeActivity(activity, {"from": organiser})

    closed_at = chain[tx.block_number].timestamp
    assert tx.events["ActivityClosed"] == {"activityId": activity, "endsAt": closed_at}
    assert window_of(registry, activity) == (starts_at, closed_at)
    assert registry.activity(activity)["status"] == ActivityStatus.CLOSED


def test_closing_an_ended_activity_keeps_its_end(registry, organiser):
    past = create_activity(registry, organiser, starts_at=chain.time() - 2 * DAY, ends_at=chain.time() - DAY)
    _, ends_at = window_of(registry, past)

    tx = registry.closeActivity(past, {"from": organiser})

    assert tx.events["ActivityClosed"]["endsAt"] == ends_at
    assert window_of(registry, past)[1] == ends_at


def test_closing_twice_reverts_with_already_closed(registry, organiser, activity):
    registry.closeActivity(activity, {"from": organiser})

    with reverts_with("RegistryActivityAlreadyClosed", activity):
        registry.closeActivity(activity, {"from": organiser})


@pytest.mark.parametrize("activity_id", [0, 2])
def test_closing_an_unknown_activity_reverts_with_unknown_activity(registry, organiser, activity, activity_id):
    with reverts_with("RegistryUnknownActivity", activity_id):
        registry.closeActivity(activity_id, {"from": organiser})


def test_non_manager_closing_reverts_with_not_organisation_manager(registry, bob, activity):
    with reverts_with("RegistryNotOrganisationManager", 1, bob):
        registry.closeActivity(activity, {"from": bob})


def test_service_before_the_close_is_still_accepted(registry, organiser, ledger, activity, volunteers, sign):
    alice, _ = volunteers
    before_close = sign(alice, activity, minutes=30)
    registry.closeActivity(activity, {"from": organiser})

    ledger.attest(before_close, {"from": alice})

    assert ledger.minutesInActivity(alice, activity) == 30


def test_service_after_the_close_reverts_with_outside_activity_window(
    registry, organiser, ledger, activity, volunteers, sign
):
    alice, _ = volunteers
    registry.closeActivity(activity, {"from": organiser})
    starts_at, closed_at = window_of(registry, activity)
    chain.sleep(2 * HOUR)

    late = sign(alice, activity, minutes=30)  # checks out a few seconds before now
    check_in, check_out = late[0][3], late[0][4]
    with reverts_with("HourLedgerOutsideActivityWindow", activity, check_in, check_out, starts_at, closed_at):
        ledger.attest(late, {"from": alice})
