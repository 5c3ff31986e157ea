import pytest

from yilian.relay.verification.timing import ActivityNotOpen, check_activity_open

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
