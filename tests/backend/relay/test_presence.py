"""Presence at both ends: a check-out is verified like a check-in (in the fence, a fresh face where
the activity asks for it); a volunteer who left is credited up to the last verified presence,
never later, and so is a session the relay closes after the activity's end."""

import pytest
from sqlalchemy import select

from yilian.relay.db.models import CheckIn, PresencePing
from yilian.relay.services.closing import close_abandoned

from .scenario import VENUE, Scenario, row_counts

FAR_AWAY = {"latitude": VENUE["latitude"] + 10, "longitude": VENUE["longitude"], "accuracy_m": 10}  # ~1,100 km


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def _ping(scenario: Scenario, visit: dict, volunteer: dict, location: dict | None = None):  # type: ignore[no-untyped-def]
    body = {"app_user_id": volunteer["app_user_id"], "location": location or {**VENUE, "accuracy_m": 10}}
    return scenario.post(f"/v1/check-ins/{visit['id']}/presence", body)


def test_check_out_from_1100_km_away_is_refused_and_the_session_stays_open(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(60 * 60)
    body = scenario.check_out_body(volunteer, location=FAR_AWAY)
    scenario.check_out_refused(visit["id"], body, 422, "check_out_outside_geofence")
    assert row_counts(relay)["open_check_ins"] == 1


def test_a_volunteer_who_left_is_credited_up_to_the_last_presence_ping(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(25 * 60)
    pinged = _ping(scenario, visit, volunteer)
    assert pinged.status_code == 200, pinged.text
    last_presence = int(relay.clock())
    assert pinged.json()["last_presence_at"] == last_presence
    relay.clock.advance(3 * 60 * 60)  # gone home
    body = {"app_user_id": volunteer["app_user_id"], "left_at_last_presence": True}
    checked_out = scenario.post(f"/v1/check-ins/{visit['id']}/check-out", body).json()
    assert checked_out["minutes"] == 25
    assert (checked_out["check_in"]["checked_out_at"], checked_out["check_in"]["closed_by"]) == (
        last_presence,
        "last_presence",
    )


def test_leaving_without_a_ping_credits_nothing(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(2 * 60 * 60)
    body = {"app_user_id": volunteer["app_user_id"], "left_at_last_presence": True}
    checked_out = scenario.post(f"/v1/check-ins/{visit['id']}/check-out", body).json()
    assert (checked_out["minutes"], checked_out["attestation"]) == (0, None)


def test_a_presence_ping_from_outside_is_refused_and_not_recorded(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(10 * 60)
    response = _ping(scenario, visit, volunteer, FAR_AWAY)
    assert (response.status_code, response.json()["code"]) == (422, "outside_geofence")
    with relay.sessions() as session:
        assert session.scalars(select(PresencePing)).first() is None
        assert session.get(CheckIn, visit["id"]).last_presence_at == visit["checked_in_at"]


def test_a_check_out_without_location_must_say_the_volunteer_left(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    body = {"app_user_id": volunteer["app_user_id"]}
    scenario.check_out_refused(visit["id"], body, 422, "location_required")


def test_an_activity_may_ask_for_a_face_at_check_out(relay, scenario):
    activity = scenario.activity(scenario.organisation(), face_at_check_out=True)
    volunteer = scenario.volunteer(own_wallet=True)
    assert activity["face_at_check_out"] is True
    check_in_body = scenario.check_in_body(activity, volunteer)
    visit = scenario.post_check_in(activity["id"], check_in_body).json()
    relay.clock.advance(30 * 60)
    scenario.check_out_refused(visit["id"], scenario.check_out_body(volunteer), 422, "face_assertion_required")
    reused = scenario.check_out_body(volunteer, face_assertion=check_in_body["face_assertion"])
    scenario.check_out_refused(visit["id"], reused, 409, "face_assertion_reused")
    fresh = scenario.face.assert_match(volunteer["address"], int(relay.clock()), 9500).model_dump()
    response = scenario.post_check_out(visit["id"], scenario.check_out_body(volunteer, face_assertion=fresh))
    assert (response.status_code, response.json()["minutes"]) == (200, 30)


def test_the_relay_closes_an_abandoned_session_at_the_last_presence_not_at_the_end(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer(starts_in=0, lasts=60 * 60)
    visit = scenario.check_in(activity, volunteer)
    relay.clock.advance(20 * 60)
    assert _ping(scenario, visit, volunteer).status_code == 200
    relay.clock.now = activity["ends_at"] + relay.settings.checkin_tolerance_s - 1
    assert close_abandoned(relay.sessions, relay.chain, relay.settings, int(relay.clock())) == 0  # not yet
    relay.clock.advance(2)
    assert close_abandoned(relay.sessions, relay.chain, relay.settings, int(relay.clock())) == 1
    scenario.settle()
    assert scenario.minutes_on_chain(volunteer, activity) == 20  # not the 60 of the whole window
    with relay.sessions() as session:
        closed = session.get(CheckIn, visit["id"])
        assert (closed.status, closed.closed_by) == ("closed", "relay")
        assert '"kind":"presence_ping"' in closed.evidence
