"""Activity timing rule: check-in is only possible around the activity's time window."""

from yilian.relay.verification.errors import CheckInRejected


class ActivityNotOpen(CheckInRejected):
    code = "activity_not_open"


def check_activity_open(starts_at: int, ends_at: int, now: int, tolerance_s: int = 600) -> None:
    """Accept ``now`` within [starts_at - tolerance_s, ends_at + tolerance_s] (unix seconds).

    The tolerance lets volunteers check in a little early or out a little late; it credits
    nothing extra, since service minutes are clipped to the window itself.
    Raises ``ActivityNotOpen`` otherwise.
    """
    if now < starts_at - tolerance_s:
        raise ActivityNotOpen("the activity has not opened for check-in yet")
    if now > ends_at + tolerance_s:
        raise ActivityNotOpen("the activity has ended")


class ClockSkew(CheckInRejected):
    code = "clock_skew"


def device_time(received_at: int, client_time: int | None, *, max_skew_s: int, max_backdate_s: int) -> int:
    """When the app says the event happened, as far as the relay believes it (unix seconds).

    The relay's own receipt time ``received_at`` is the truth; a device time may only move the
    event EARLIER (an app that was offline queued it), by at most ``max_backdate_s``, and never
    later than receipt: a device clock running ahead gains nothing. A device time further than
    ``max_skew_s`` either way is refused (``ClockSkew``): that clock is wrong, not offline.
    """
    if client_time is None:
        return received_at
    if abs(client_time - received_at) > max_skew_s:
        raise ClockSkew(
            f"client time is {client_time - received_at:+d} s from the relay's clock (allowed ±{max_skew_s} s)"
        )
    return max(received_at - max_backdate_s, min(client_time, received_at))
