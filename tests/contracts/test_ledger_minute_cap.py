"""A volunteer's accepted minutes in one activity never exceed its cap (600 in the fixture)."""

from helpers_ledger import reverts_with


def test_session_pushing_past_the_cap_reverts_with_over_minute_cap(ledger, activity, volunteers, sign):
    alice, _ = volunteers
    ledger.attest(sign(alice, activity, session=0, minutes=400), {"from": alice})

    with reverts_with("HourLedgerOverMinuteCap", alice, activity, 400, 201, 600):
        ledger.attest(sign(alice, activity, session=1, minutes=201), {"from": alice})
    assert ledger.minutesInActivity(alice, activity) == 400


def test_single_session_above_the_cap_reverts_with_over_minute_cap(ledger, activity, volunteers, sign):
    alice, _ = volunteers
    with reverts_with("HourLedgerOverMinuteCap", alice, activity, 0, 601, 600):
        ledger.attest(sign(alice, activity, minutes=601), {"from": alice})


def test_sessions_filling_the_cap_exactly_are_accepted(ledger, activity, volunteers, sign):
    alice, _ = volunteers
    for session, minutes in enumerate((400, 200)):
        ledger.attest(sign(alice, activity, session=session, minutes=minutes), {"from": alice})

    assert ledger.minutesInActivity(alice, activity) == 600


def test_cap_is_per_volunteer(ledger, activity, volunteers, sign):
    alice, bob = volunteers
    ledger.attest(sign(alice, activity, minutes=600), {"from": alice})

    ledger.attest(sign(bob, activity, minutes=600), {"from": bob})

    assert ledger.minutesInActivity(bob, activity) == 600
