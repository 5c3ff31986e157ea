"""Service minutes rule: actual time on site, inside the activity window, capped."""

from yilian.relay.verification.errors import CheckInRejected


class CheckOutBeforeCheckIn(CheckInRejected):
    code = "check_out_before_check_in"


class NoServiceTime(CheckInRejected):
    code = "no_service_time"


def service_minutes(
    check_in: int,
    check_out: int,
    window_start: int,
    window_end: int,
    *,
    already_served: int,
    minute_cap: int,
) -> int:
    """Minutes to attest for one check-in/check-out pair (times are unix seconds).

    Time on site is clipped to [window_start, window_end] (arriving early or staying late is
    not service; travel is excluded because only on-site events count) and rounded DOWN to
    whole minutes, because records must be true and must never overstate service. The result
    is then capped so ``already_served + minutes <= minute_cap``; it is 0, never negative, when
    the cap is already reached, and the caller decides what to record then.

    Raises ``CheckOutBeforeCheckIn``, or ``NoServiceTime`` when less than a whole minute
    remains after clipping.
    """
    if window_end < window_start or already_served < 0 or minute_cap < 0:
        raise ValueError("invalid activity window or minute counters")
    if check_out < check_in:
        raise CheckOutBeforeCheckIn("check-out time is before check-in time")
    on_site = min(check_out, window_end) - max(check_in, window_start)
    minutes = max(0, on_site) // 60
    if minutes == 0:
        raise NoServiceTime("no whole minute of service inside the activity's time window")
    return min(minutes, max(0, minute_cap - already_served))
