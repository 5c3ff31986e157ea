"""A session must lie inside the activity's window: check-in at or after the start, check-out
at or before the end."""

from brownie import chain
from helpers_ledger import DAY, create_activity, reverts_with, sleep_until, window_of


def test_session_starting_before_the_window_reverts_with_outside_activity_window(
    ledger, registry, activity, volunteers, sign
):
    alice, _ = volunteers
    starts_at, ends_at = window_of(registry, activity)
    early = sign(alice, activity, minutes=30, check_in=starts_at - 1, check_out=starts_at + 3600)

    with reverts_with("HourLedgerOutsideActivityWindow", activity, starts_at - 1, starts_at + 3600, starts_at, ends_at):
        ledger.attest(early, {"from": alice})


def test_session_ending_after_the_window_reverts_with_outside_activity_window(
    ledger, registry, organiser, volunteers, sign
):
    alice, _ = volunteers
    ended = create_activity(registry, organiser, starts_at=chain.time() - 2 * DAY, ends_at=chain.time() - DAY)
    starts_at, ends_at = window_of(registry, ended)
    late = sign(alice, ended, minutes=30, check_in=ends_at - 1800, check_out=ends_at + 1)

    with reverts_with("HourLedgerOutsideActivityWindow", ended, ends_at - 1800, ends_at + 1, starts_at, ends_at):
        ledger.attest(late, {"from": alice})


def test_session_after_the_window_has_passed_reverts_with_outside_activity_window(
    ledger, registry, activity, volunteers, sign
):
    alice, _ = volunteers
    starts_at, ends_at = window_of(registry, activity)
    sleep_until(ends_at + DAY)

    late = sign(alice, activity, minutes=30)  # the relay's clock: a day after the end
    fields = late[0]
    with reverts_with("HourLedgerOutsideActivityWindow", activity, fields[3], fields[4], starts_at, ends_at):
        ledger.attest(late, {"from": alice})


def test_session_spanning_the_whole_window_is_accepted(ledger, registry, organiser, volunteers, sign):
    alice, _ = volunteers
    now = chain.time()
    short = create_activity(registry, organiser, starts_at=now - 7200, ends_at=now - 3600)

    ledger.attest(sign(alice, short, minutes=60, check_in=now - 7200, check_out=now - 3600), {"from": alice})

    assert ledger.minutesInActivity(alice, short) == 60
