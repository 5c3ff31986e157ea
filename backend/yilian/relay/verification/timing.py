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
