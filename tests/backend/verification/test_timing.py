import pytest

from yilian.relay.verification.timing import ActivityNotOpen, ClockSkew, check_activity_open, device_time

STARTS, ENDS = 1_700_000_000, 1_700_007_200


@pytest.mark.parametrize(
    "now",
    [STARTS - 600, STARTS, (STARTS + ENDS) // 2, ENDS, ENDS + 600],
)
def test_open_within_window_and_tolerance(now: int) -> None:
    check_activity_open(STARTS, ENDS, now)


@pytest.mark.parametrize("now", [STARTS - 601, ENDS + 601, 0])
def test_not_open_outside_tolerance(now: int) -> None:
    with pytest.raises(ActivityNotOpen) as caught:
        check_activity_open(STARTS, ENDS, now)
    assert caught.value.code == "activity_not_open"


def test_custom_tolerance_edges() -> None:
    check_activity_open(STARTS, ENDS, STARTS, tolerance_s=0)
    check_activity_open(STARTS, ENDS, ENDS, tolerance_s=0)
    with pytest.raises(ActivityNotOpen):
        check_activity_open(STARTS, ENDS, STARTS - 1, tolerance_s=0)
    with pytest.raises(ActivityNotOpen):
        check_activity_open(STARTS, ENDS, ENDS + 1, tolerance_s=0)


def test_messages_say_whether_too_early_or_too_late() -> None:
    with pytest.raises(ActivityNotOpen, match="not opened"):
        check_activity_open(STARTS, ENDS, STARTS - 601)
    with pytest.raises(ActivityNotOpen, match="ended"):
        check_activity_open(STARTS, ENDS, ENDS + 601)


RECEIVED = 1_700_003_600


@pytest.mark.parametrize(
    ("client_time", "expected"),
    [
        (None, RECEIVED),  # no device time: the relay's
        (RECEIVED + 295, RECEIVED),  # a clock ahead gains nothing
        (RECEIVED - 250, RECEIVED - 250),  # an offline app dates its event earlier
        (RECEIVED - 300, RECEIVED - 300),
    ],
    ids=["none", "ahead", "earlier", "at_the_bound"],
)
def test_device_time_only_moves_an_event_earlier(client_time, expected: int) -> None:
    assert device_time(RECEIVED, client_time, max_skew_s=300, max_backdate_s=300) == expected


def test_device_time_is_bounded_by_the_backdate_setting() -> None:
    assert device_time(RECEIVED, RECEIVED - 250, max_skew_s=300, max_backdate_s=60) == RECEIVED - 60


@pytest.mark.parametrize("offset", [301, -301])
def test_device_time_beyond_the_skew_is_refused(offset: int) -> None:
    with pytest.raises(ClockSkew) as caught:
        device_time(RECEIVED, RECEIVED + offset, max_skew_s=300, max_backdate_s=300)
    assert caught.value.code == "clock_skew"
