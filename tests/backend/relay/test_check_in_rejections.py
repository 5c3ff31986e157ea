"""Every way a check-in is refused: the HTTP status, the stable `code`, and nothing written."""

from collections.abc import Callable

import pytest
from eth_account import Account

from yilian.relay.config import Settings
from yilian.relay.verification import FaceAssertion, FakeFaceProvider

from .scenario import VENUE, Body, Scenario

ANOTHER_PROVIDER = FakeFaceProvider("0x" + "ab" * 32)  # a real key, but not the configured one


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def test_unknown_volunteer_is_not_found(scenario):
    activity = scenario.open_activity()
    stranger = {"app_user_id": "nobody", "address": Account.create().address}
    body = scenario.check_in_body(activity, stranger)
    scenario.check_in_refused(activity["id"], body, 404, "volunteer_not_found")


def test_suspended_volunteer_is_forbidden(scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    assert scenario.suspend(volunteer)["status"] == "suspended"
    body = scenario.check_in_body(activity, volunteer)
    scenario.check_in_refused(activity["id"], body, 403, "volunteer_suspended")


def test_unknown_activity_is_not_found(scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    body = scenario.check_in_body(activity, volunteer)
    scenario.check_in_refused(activity["id"] + 1000, body, 404, "activity_not_found")


def test_closed_activity_is_refused(scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    assert scenario.close(activity)["status"] == "closed"
    body = scenario.check_in_body(activity, volunteer)
    scenario.check_in_refused(activity["id"], body, 409, "activity_closed")


@pytest.mark.parametrize(("edge", "side"), [("starts_at", -1), ("ends_at", +1)], ids=["not_open_yet", "already_over"])
def test_check_in_beyond_the_window_tolerance_is_refused(relay, scenario, edge: str, side: int):
    activity, volunteer = scenario.activity_and_volunteer()
    at = activity[edge] + side * (relay.settings.checkin_tolerance_s + 1)
    relay.clock.now = at  # the device and the relay agree that it is `at`
    body = scenario.check_in_body(activity, volunteer, at=at)
    scenario.check_in_refused(activity["id"], body, 422, "activity_not_open")


LOCATIONS = {
    "outside_geofence": ({**VENUE, "latitude": 30.2841, "accuracy_m": 10}, "outside_geofence"),
    "accuracy_too_poor": ({**VENUE, "accuracy_m": 101}, "location_inaccurate"),
    # Refused at the edge by the field's bounds (details: out_of_range at body.location.latitude).
    "latitude_out_of_range": ({**VENUE, "latitude": 90.5, "accuracy_m": 10}, "invalid_request"),
}


@pytest.mark.parametrize(("location", "code"), LOCATIONS.values(), ids=LOCATIONS.keys())
def test_unusable_location_is_refused(scenario, location: Body, code: str):
    # The fence: 200 m around VENUE. 0.01° of latitude is ~1.1 km, far beyond it and 10 m accuracy.
    activity, volunteer = scenario.activity_and_volunteer()
    body = scenario.check_in_body(activity, volunteer, location=location)
    scenario.check_in_refused(activity["id"], body, 422, code)


@pytest.mark.parametrize("case", ["expired", "wrong", "not_digits"])
def test_wrong_or_expired_signin_code_is_refused(relay, scenario, case: str):
    activity, volunteer = scenario.activity_and_volunteer()
    at, period = int(relay.clock()), relay.settings.signin_period_s
    code = {
        "expired": scenario.signin_code(activity, at - 3 * period),  # skew tolerates one period
        "wrong": "".join(str((int(digit) + 1) % 10) for digit in scenario.signin_code(activity, at)),
        "not_digits": "12ab56",
    }[case]
    body = scenario.check_in_body(activity, volunteer, at=at, signin_code=code)
    scenario.check_in_refused(activity["id"], body, 422, "signin_code_invalid")


# How the app got a face assertion: (our provider, volunteer's address, check-in time, settings).
FaceFor = Callable[[FakeFaceProvider, str, int, Settings], FaceAssertion]
FACES: dict[str, tuple[FaceFor, str]] = {
    "signed_by_another_key": (
        lambda _, address, at, __: ANOTHER_PROVIDER.assert_match(address, at, 9500),
        "face_signature_invalid",
    ),
    "for_another_volunteer": (
        lambda face, _, at, __: face.assert_match(Account.create().address, at, 9500),
        "face_volunteer_mismatch",
    ),
    "older_than_max_age": (
        lambda face, address, at, settings: face.assert_match(address, at - settings.face_max_age_s - 1, 9500),
        "face_assertion_stale",
    ),
    "dated_in_the_future": (
        lambda face, address, at, _: face.assert_match(address, at + 60, 9500),
        "face_assertion_stale",
    ),
    "score_below_minimum": (
        lambda face, address, at, settings: face.assert_match(address, at, settings.face_min_score - 1),
        "face_score_too_low",
    ),
}


@pytest.mark.parametrize(("face_for", "code"), FACES.values(), ids=FACES.keys())
def test_face_assertion_failing_verification_is_refused(relay, scenario, face_for: FaceFor, code):
    activity, volunteer = scenario.activity_and_volunteer()
    at = int(relay.clock())
    face = face_for(scenario.face, volunteer["address"], at, relay.settings)
    body = scenario.check_in_body(activity, volunteer, at=at, face_assertion=face.model_dump())
    scenario.check_in_refused(activity["id"], body, 422, code)


def test_reused_face_assertion_is_refused(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    at = int(relay.clock())
    first = scenario.check_in_body(activity, volunteer, at=at)
    accepted = scenario.post_check_in(activity["id"], first)
    assert accepted.status_code == 201, accepted.text
    scenario.check_out(accepted.json(), volunteer, at=at + 30)
    # 30 s old, so still fresh, and the volunteer is checked out: only its nonce was seen before.
    reused = first["face_assertion"]
    again = scenario.check_in_body(activity, volunteer, at=at + 30, face_assertion=reused)
    scenario.check_in_refused(activity["id"], again, 409, "face_assertion_reused")


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same_activity", "another_activity"])
def test_second_check_in_while_one_is_open_is_refused(scenario, elsewhere: bool):
    activity, volunteer = scenario.activity_and_volunteer()
    scenario.check_in(activity, volunteer)
    second = scenario.activity(activity["organisation_id"]) if elsewhere else activity
    body = scenario.check_in_body(second, volunteer)
    scenario.check_in_refused(second["id"], body, 409, "check_in_already_open")


@pytest.mark.parametrize("side", [+1, -1], ids=["device_ahead", "device_behind"])
def test_client_time_too_far_from_the_relay_clock_is_refused(relay, scenario, side: int):
    activity, volunteer = scenario.activity_and_volunteer()
    at = int(relay.clock()) + side * (relay.settings.max_client_clock_skew_s + 1)
    body = scenario.check_in_body(activity, volunteer, at=at)  # consistent with itself, not with us
    scenario.check_in_refused(activity["id"], body, 422, "clock_skew")


def _with_face(body: Body, **changes: object) -> Body:
    return {**body, "face_assertion": {**body["face_assertion"], **changes}}


MALFORMED: dict[str, Callable[[Body], Body | str]] = {
    "not_json": lambda body: '{"app_user_id": ',
    "no_face_assertion": lambda body: {k: v for k, v in body.items() if k != "face_assertion"},
    "face_image_attached": lambda body: _with_face(body, image="/9j/4AAQSkZJRgABAQ"),
    "score_as_text": lambda body: _with_face(body, score="9500"),
    "empty_signin_code": lambda body: {**body, "signin_code": ""},
    "client_time_in_words": lambda body: {**body, "client_time": "just now"},
}


@pytest.mark.parametrize("malform", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body_is_refused(scenario, malform: Callable[[Body], Body | str]):
    activity, volunteer = scenario.activity_and_volunteer()
    body = malform(scenario.check_in_body(activity, volunteer))
    scenario.check_in_refused(activity["id"], body, 422, "invalid_json" if isinstance(body, str) else "invalid_request")


@pytest.mark.parametrize("credential", ["none", "unknown", "revoked"])
def test_check_in_without_a_valid_api_key_is_unauthorized(scenario, credential: str):
    activity, volunteer = scenario.activity_and_volunteer()
    secret = {
        "none": None,
        "unknown": "yl_0123456789ab_not-a-real-secret",
        "revoked": scenario.api_key("app", revoked=True),
    }[credential]
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    body = scenario.check_in_body(activity, volunteer)
    scenario.check_in_refused(activity["id"], body, 401, "unauthorized", headers=headers)


def test_check_in_with_an_organiser_key_is_forbidden(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    body = scenario.check_in_body(activity, volunteer)
    organiser = relay.headers("organiser", organisation=activity["organisation_id"])
    scenario.check_in_refused(activity["id"], body, 403, "wrong_role", headers=organiser)


def test_check_in_beyond_the_ledgers_session_limit_is_refused(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    max_sessions = relay.chain.ledger.functions.MAX_SESSIONS().call()
    assert max_sessions == 16
    for _ in range(max_sessions):
        scenario.serve(activity, volunteer, seconds=20)  # under a minute: no attestation, fast
        relay.clock.advance(10)
    body = scenario.check_in_body(activity, volunteer)
    scenario.check_in_refused(activity["id"], body, 422, "session_limit_reached")
