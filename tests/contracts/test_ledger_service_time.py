"""Service minutes are whole minutes inside the session: positive, no more than the time
between check-in and check-out, and below the 0xFFFF lane value that marks a revocation."""

import pytest
from brownie import chain
from helpers_ledger import DAY, create_activity, reverts_with

MAX_SESSION_MINUTES = 0xFFFE


@pytest.fixture
def long_activity(registry, organiser):
    """Fifty days wide with a cap above one maximal session, so only the session rules bite."""
    return create_activity(
        registry,
        organiser,
        starts_at=chain.time() - 50 * DAY,
        ends_at=chain.time() + DAY,
        minute_cap=2 * MAX_SESSION_MINUTES,
    )


@pytest.mark.parametrize(
    ("stay_seconds", "minutes"),
    [
        (0, 1),
        (-60, 1),
        (3600, 0),
        (3600, 61),
        (45 * 60 + 59, 46),
        (MAX_SESSION_MINUTES * 60 + 60, MAX_SESSION_MINUTES + 1),
    ],
    ids=[
        "check-out at check-in",
        "check-out before check-in",
        "zero minutes",
        "more minutes than the stay",
        "partial minute not counted",
        "above the maximum",
    ],
)
def test_implausible_service_time_reverts_with_invalid_service_time(
    ledger, long_activity, volunteers, sign, stay_seconds, minutes
):
    alice, _ = volunteers
    check_out = chain.time() - 60
    check_in = check_out - stay_seconds
    with reverts_with("HourLedgerInvalidServiceTime", check_in, check_out, minutes):
        ledger.attest(
            sign(alice, long_activity, minutes=minutes, check_in=check_in, check_out=check_out), {"from": alice}
        )


def test_maximum_session_minutes_are_accepted(ledger, long_activity, volunteers, sign):
    alice, _ = volunteers
    ledger.attest(sign(alice, long_activity, minutes=MAX_SESSION_MINUTES), {"from": alice})

    assert ledger.minutesInActivity(alice, long_activity) == MAX_SESSION_MINUTES


def test_minutes_equal_to_the_stay_are_accepted(ledger, activity, volunteers, sign):
    alice, _ = volunteers
    check_out = chain.time() - 60
    ledger.attest(
        sign(alice, activity, minutes=45, check_in=check_out - 45 * 60 - 59, check_out=check_out), {"from": alice}
    )

    assert ledger.minutesInActivity(alice, activity) == 45
