"""The one exception family every check-in rule raises.

The API layer catches ``CheckInRejected`` and answers HTTP 4xx with ``code`` (stable, snake_case,
safe for apps to branch on) and ``message`` (for people; wording may change).
"""

from typing import ClassVar


class CheckInRejected(Exception):
    """A check-in or check-out failed a verification rule."""

    code: ClassVar[str] = "check_in_rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
