import pytest
from hypothesis import given
from hypothesis import strategies as st

from yilian.relay.verification.service_time import (
    CheckOutBeforeCheckIn,
    NoServiceTime,
    service_minutes,
)

W0, W1 = 1_700_000_000, 1_700_000_000 + 3 * 3600  # a three-hour activity window
NO_CAP = {"already_served": 0, "minute_cap": 10_000}


def test_time_on_site_inside_window() -> None:
    assert service_minutes(W0 + 600, W0 + 600 + 7200, W0, W1, **NO_CAP) == 120


def test_clipped_to_window_on_both_sides() -> None:
    assert service_minutes(W0 - 1800, W1 + 1800, W0, W1, **NO_CAP) == 180


def test_partial_minute_is_rounded_down() -> None:
    assert service_minutes(W0, W0 + 119, W0, W1, **NO_CAP) == 1
    assert service_minutes(W0, W0 + 120, W0, W1, **NO_CAP) == 2


@pytest.mark.parametrize(
    ("check_in", "check_out"),
    [
        (W0, W0 + 59),  # less than a whole minute
        (W0 + 10, W0 + 10),  # checked out immediately
        (W0 - 3600, W0 - 60),  # entirely before the window
        (W1 + 60, W1 + 3600),  # entirely after the window
        (W0 - 3600, W0 + 30),  # only 30 s fall inside the window
    ],
)
def test_no_service_time(check_in: int, check_out: int) -> None:
    with pytest.raises(NoServiceTime) as caught:
        service_minutes(check_in, check_out, W0, W1, **NO_CAP)
    assert caught.value.code == "no_service_time"


def test_check_out_before_check_in() -> None:
    with pytest.raises(CheckOutBeforeCheckIn) as caught:
        service_minutes(W0 + 600, W0 + 599, W0, W1, **NO_CAP)
    assert caught.value.code == "check_out_before_check_in"


def test_capped_to_remaining_allowance() -> None:
    assert service_minutes(W0, W0 + 3600, W0, W1, already_served=100, minute_cap=120) == 20


def test_exactly_reaching_the_cap_is_not_cut() -> None:
    assert service_minutes(W0, W0 + 3600, W0, W1, already_served=60, minute_cap=120) == 60


@pytest.mark.parametrize("already_served", [120, 150])
def test_cap_reached_or_exceeded_gives_zero_not_negative(already_served: int) -> None:
    minutes = service_minutes(W0, W0 + 3600, W0, W1, already_served=already_served, minute_cap=120)
    assert minutes == 0


def test_inverted_window_is_a_data_error() -> None:
    with pytest.raises(ValueError, match="invalid activity window"):
        service_minutes(W0, W0 + 600, W1, W0, **NO_CAP)


@given(
    check_in=st.integers(W0 - 7200, W1 + 7200),
    duration=st.integers(0, 8 * 3600),
    already_served=st.integers(0, 500),
    minute_cap=st.integers(0, 500),
)
def test_never_overstates(check_in: int, duration: int, already_served: int, minute_cap: int) -> None:
    check_out = check_in + duration
    try:
        minutes = service_minutes(check_in, check_out, W0, W1, already_served=already_served, minute_cap=minute_cap)
    except NoServiceTime:
        assert min(check_out, W1) - max(check_in, W0) < 60
        return
    on_site = min(check_out, W1) - max(check_in, W0)
    remaining = max(0, minute_cap - already_served)
    assert 0 <= minutes <= remaining  # never negative, never past the cap
    assert minutes * 60 <= on_site  # never more than the time inside the window
    assert minutes == remaining or on_site - minutes * 60 < 60  # nor less than needed
