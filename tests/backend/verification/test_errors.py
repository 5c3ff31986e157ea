import re

import pytest

from yilian.relay import verification
from yilian.relay.verification import CheckInRejected

EXPECTED_CODES = {
    "invalid_location",
    "location_inaccurate",
    "outside_geofence",
    "signin_code_invalid",
    "face_signature_invalid",
    "face_volunteer_mismatch",
    "face_assertion_stale",
    "face_score_too_low",
    "check_out_before_check_in",
    "no_service_time",
    "activity_not_open",
    "check_out_outside_geofence",
    "clock_skew",
}


def _all_subclasses(cls: type[CheckInRejected]) -> list[type[CheckInRejected]]:
    found: list[type[CheckInRejected]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_every_rule_error_has_its_own_snake_case_code() -> None:
    rule_errors = [c for c in _all_subclasses(CheckInRejected) if c.__module__.startswith(verification.__name__)]
    codes = [c.code for c in rule_errors]
    assert len(codes) == len(set(codes))
    assert set(codes) == EXPECTED_CODES
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in codes)


def test_rejection_carries_code_and_message() -> None:
    with pytest.raises(CheckInRejected) as caught:
        verification.check_activity_open(1000, 2000, 5000)
    assert caught.value.code == "activity_not_open"
    assert caught.value.message == str(caught.value)
    assert caught.value.message
