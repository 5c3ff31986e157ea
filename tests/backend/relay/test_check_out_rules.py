"""Check-out: only the volunteer's own open check-in closes, and it is worth whole minutes of
service inside the activity window, within the volunteer's cap — minutes the chain accepts."""

import uuid

import pytest

from yilian.relay.db.models import Activity, CheckIn
from yilian.relay.db.session import transaction
from yilian.relay.services.closing import close_session
from yilian.relay.services.errors import Conflict

from .scenario import Scenario, row_counts


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def test_check_out_of_an_unknown_check_in_is_not_found(scenario):
    volunteer = scenario.volunteer(own_wallet=True)
    body = scenario.check_out_body(volunteer)
    scenario.check_out_refused(str(uuid.uuid4()), body, 404, "check_in_not_found")


def test_check_out_by_another_volunteer_is_not_found_and_leaves_it_open(scenario):
    activity, owner = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, owner)
    intruder = scenario.volunteer(own_wallet=True)
    body = scenario.check_out_body(intruder)
    scenario.check_out_refused(visit["id"], body, 404, "check_in_not_found")
    assert scenario.check_out(visit, owner)["check_in"]["status"] == "closed"  # still the owner's


def test_second_check_out_of_the_same_check_in_is_refused(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(10 * 60)
    assert scenario.check_out(visit, volunteer)["minutes"] == 10
    body = scenario.check_out_body(volunteer)
    scenario.check_out_refused(visit["id"], body, 409, "check_in_closed")


def test_a_session_closed_after_it_was_read_is_not_closed_again(relay, scenario):
    """Two closings racing (a check-out and the relay's sweep): the second finds the row closed
    when it writes, is refused, and writes no second attestation."""
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(10 * 60)
    with relay.sessions() as session:
        stale = session.get_one(CheckIn, visit["id"])  # read while open
    assert scenario.check_out(visit, volunteer)["minutes"] == 10
    before = row_counts(relay)
    with pytest.raises(Conflict) as refused:
        _close_now(relay, stale, activity["id"])
    assert refused.value.code == "check_in_closed"
    assert row_counts(relay) == before


def _close_now(relay, visit: CheckIn, activity_id: int) -> None:
    now = int(relay.clock())
    with transaction(relay.sessions) as db:
        close_session(
            db, relay.chain, db.merge(visit, load=False), db.get_one(Activity, activity_id), ends_at=now,
            received_at=now, closed_by="relay", evidence={},
        )  # fmt: skip


def test_minutes_are_clipped_to_the_activity_window_and_confirmed_on_chain(scenario):
    # A 30-minute activity; the volunteer arrives 5 minutes early and leaves 5 minutes late.
    activity, volunteer = scenario.activity_and_volunteer(starts_in=5 * 60, lasts=30 * 60)
    checked_out = scenario.serve(activity, volunteer, seconds=(5 + 30 + 5) * 60)
    assert checked_out["minutes"] == 30
    scenario.settle()
    settled = scenario.attestation(checked_out["attestation"]["uid"])
    assert (settled["status"], settled["rejection"]) == ("confirmed", None)
    assert scenario.minutes_on_chain(volunteer, activity) == 30


def test_minutes_are_capped_per_volunteer_across_sessions(scenario):
    activity, volunteer = scenario.activity_and_volunteer(minute_cap=60)
    assert scenario.serve(activity, volunteer, seconds=45 * 60)["minutes"] == 45
    assert scenario.serve(activity, volunteer, seconds=30 * 60)["minutes"] == 15
    capped = scenario.serve(activity, volunteer, seconds=20 * 60)
    assert (capped["minutes"], capped["attestation"]) == (0, None)
    scenario.settle()
    assert scenario.minutes_on_chain(volunteer, activity) == 60


def test_check_out_within_the_same_minute_closes_without_an_attestation(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    before = row_counts(relay)
    checked_out = scenario.serve(activity, volunteer, seconds=59)
    assert (checked_out["minutes"], checked_out["attestation"]) == (0, None)
    assert checked_out["check_in"]["status"] == "closed"
    after = row_counts(relay)
    assert (after["check_ins"], after["open_check_ins"]) == (before["check_ins"] + 1, 0)
    assert after["attestations"] == before["attestations"]


def test_minutes_are_rounded_down(scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    checked_out = scenario.serve(activity, volunteer, seconds=10 * 60 + 59)
    assert checked_out["minutes"] == checked_out["attestation"]["minutes"] == 10
