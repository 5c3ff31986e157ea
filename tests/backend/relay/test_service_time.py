"""Time is what the relay observed: minutes never exceed the time between the relay's own
acceptance of a check-in and its receipt of the check-out; a device time only dates a check-out
earlier (an offline app), by `max_client_backdate_s` at most; one volunteer's sessions never overlap."""

import pytest
from sqlalchemy import func, select

from yilian.relay.db.models import Attestation, CheckIn

from .scenario import Scenario, row_counts


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def _attested_minutes(relay) -> int:  # type: ignore[no-untyped-def]
    with relay.sessions() as session:
        return session.scalar(select(func.coalesce(func.sum(Attestation.minutes), 0)))


def test_a_device_clock_ahead_at_check_out_credits_no_extra_minute(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(60)
    now = int(relay.clock())
    checked_out = scenario.check_out(visit, volunteer, at=now + 295)  # within the allowed skew
    assert checked_out["minutes"] == 1  # the minute the relay saw, not 5 more
    assert checked_out["check_in"]["checked_out_at"] == checked_out["check_in"]["check_out_received_at"] == now


def test_an_instant_check_out_dated_ahead_writes_no_attestation(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    before = row_counts(relay)
    checked_out = scenario.check_out(visit, volunteer, at=int(relay.clock()) + 295)
    assert (checked_out["minutes"], checked_out["attestation"]) == (0, None)
    after = row_counts(relay)
    assert (after["attestations"], after["chain_txs"]) == (before["attestations"], before["chain_txs"])


def test_back_to_back_sessions_dated_ahead_yield_nothing(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    for _ in range(4):  # 16 minutes for 11 s of real time, before
        visit = scenario.check_in(activity, volunteer)
        relay.clock.advance(2)
        scenario.check_out(visit, volunteer, at=int(relay.clock()) + 295)
        relay.clock.advance(1)
    assert _attested_minutes(relay) == 0
    scenario.settle()
    assert scenario.minutes_on_chain(volunteer, activity) == 0


def test_sessions_never_overlap_even_when_a_replicas_clock_is_behind(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    other_activity = scenario.activity(activity["organisation_id"])
    first = scenario.serve(activity, volunteer, seconds=10 * 60)
    relay.clock.advance(-45)  # the next request lands on a replica whose clock is 45 s behind
    second = scenario.check_in(other_activity, volunteer)
    assert second["checked_in_at"] == first["check_in"]["checked_out_at"]
    assert second["check_in_received_at"] == first["check_in"]["checked_out_at"] - 45
    with relay.sessions() as session:
        visits = session.scalars(select(CheckIn).order_by(CheckIn.checked_in_at)).all()
    assert visits[0].checked_out_at <= visits[1].checked_in_at


def test_an_offline_check_out_may_be_dated_earlier_within_the_bound(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(20 * 60)
    now = int(relay.clock())
    checked_out = scenario.check_out(visit, volunteer, at=now - 250)  # queued 250 s ago, offline
    assert checked_out["minutes"] == (20 * 60 - 250) // 60
    assert (checked_out["check_in"]["checked_out_at"], checked_out["check_in"]["check_out_received_at"]) == (
        now - 250,
        now,
    )


def test_a_check_out_dated_before_the_check_in_ends_at_the_check_in(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(100)
    checked_out = scenario.check_out(visit, volunteer, at=int(relay.clock()) - 200)
    assert checked_out["check_in"]["checked_out_at"] == visit["checked_in_at"]
    assert (checked_out["minutes"], checked_out["attestation"]) == (0, None)


def test_a_check_in_dated_earlier_still_starts_when_the_relay_accepts_it(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    now = int(relay.clock())
    visit = scenario.check_in(activity, volunteer, at=now - 250)  # code and face read 250 s ago
    assert visit["checked_in_at"] == visit["check_in_received_at"] == now


def test_a_check_out_dated_beyond_the_skew_is_refused(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(30 * 60)
    body = scenario.check_out_body(volunteer, at=int(relay.clock()) - relay.settings.max_client_clock_skew_s - 1)
    scenario.check_out_refused(visit["id"], body, 422, "clock_skew")
