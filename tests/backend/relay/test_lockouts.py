"""No guessing: failed sign-in codes and face checks lock out per volunteer, per activity and per
API key (429 `too_many_attempts` with Retry-After), an organiser of the activity sees and lifts
the lock-out, and a face assertion sent with a wrong code is spent."""

import pytest

from .scenario import Scenario, assert_rejected


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def _wrong_code(scenario: Scenario, activity: dict, volunteer: dict) -> dict:
    right = scenario.signin_code(activity, int(scenario.relay.clock()))
    return scenario.check_in_body(activity, volunteer, signin_code=f"{(int(right) + 1) % 10**6:06d}")


def _guess(scenario: Scenario, activity: dict, volunteer: dict, times: int) -> None:
    for _ in range(times):
        body = _wrong_code(scenario, activity, volunteer)
        scenario.check_in_refused(activity["id"], body, 422, "signin_code_invalid")


def _locked(scenario: Scenario, activity: dict, volunteer: dict) -> int:
    """A right code and a fresh face, refused while locked: the Retry-After seconds."""
    body = scenario.check_in_body(activity, volunteer)
    response = assert_rejected(
        scenario.relay, lambda: scenario.post_check_in(activity["id"], body), 429, "too_many_attempts"
    )
    return int(response.headers["Retry-After"])


def test_code_guessing_locks_the_volunteer_out_until_the_organiser_lifts_it(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    limit, window = relay.settings.max_failures_per_volunteer, relay.settings.attempt_window_s
    _guess(scenario, activity, volunteer, limit)
    assert 0 < _locked(scenario, activity, volunteer) <= window

    organiser = relay.headers("organiser", organisation=activity["organisation_id"])
    seen = relay.client.get(f"/v1/activities/{activity['id']}/lockouts", headers=organiser).json()
    assert [(item["app_user_id"], item["failures"]) for item in seen] == [(volunteer["app_user_id"], limit)]
    assert seen[0]["retry_after"] > 0
    lift = {"app_user_id": volunteer["app_user_id"]}
    lifted = relay.client.post(f"/v1/activities/{activity['id']}/lockouts/lift", json=lift, headers=organiser)
    assert lifted.json() == {"lifted": limit}
    assert scenario.check_in(activity, volunteer)["status"] == "open"


def test_the_lock_out_ends_when_the_window_moves_on(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    _guess(scenario, activity, volunteer, relay.settings.max_failures_per_volunteer)
    relay.clock.advance(_locked(scenario, activity, volunteer))
    assert scenario.check_in(activity, volunteer)["status"] == "open"


def test_a_face_assertion_sent_with_a_wrong_code_is_spent(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    guess = _wrong_code(scenario, activity, volunteer)
    scenario.check_in_refused(activity["id"], guess, 422, "signin_code_invalid")
    right = scenario.check_in_body(activity, volunteer, face_assertion=guess["face_assertion"])
    scenario.check_in_refused(activity["id"], right, 409, "face_assertion_reused")


def test_failed_face_checks_count_too(relay, scenario, monkeypatch):
    monkeypatch.setattr(relay.settings, "max_failures_per_volunteer", 2)
    activity, volunteer = scenario.activity_and_volunteer()
    for _ in range(2):
        weak = scenario.face.assert_match(volunteer["address"], int(relay.clock()), 1000).model_dump()
        body = scenario.check_in_body(activity, volunteer, face_assertion=weak)
        scenario.check_in_refused(activity["id"], body, 422, "face_score_too_low")
    _locked(scenario, activity, volunteer)


def test_guesses_spread_over_volunteers_lock_the_activity(relay, scenario, monkeypatch):
    monkeypatch.setattr(relay.settings, "max_failures_per_activity", 3)
    activity = scenario.open_activity()
    for _ in range(3):
        _guess(scenario, activity, scenario.volunteer(own_wallet=True), 1)
    _locked(scenario, activity, scenario.volunteer(own_wallet=True))


def test_guesses_spread_over_activities_lock_the_api_key(relay, scenario, monkeypatch):
    monkeypatch.setattr(relay.settings, "max_failures_per_api_key", 3)
    organisation = scenario.organisation()
    for _ in range(3):
        _guess(scenario, scenario.activity(organisation), scenario.volunteer(own_wallet=True), 1)
    _locked(scenario, scenario.activity(organisation), scenario.volunteer(own_wallet=True))


def test_only_the_activitys_organisation_sees_and_lifts_its_lock_outs(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    _guess(scenario, activity, volunteer, relay.settings.max_failures_per_volunteer)
    other = relay.headers("organiser", organisation=scenario.organisation())
    path = f"/v1/activities/{activity['id']}/lockouts"
    for response in (relay.client.get(path, headers=other), relay.client.post(f"{path}/lift", json={}, headers=other)):
        assert (response.status_code, response.json()["code"]) == (403, "other_organisation")
    _locked(scenario, activity, volunteer)  # still locked
