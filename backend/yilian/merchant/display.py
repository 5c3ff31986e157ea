"""How merchants read and type times: local date-times (amounts: `yilian.chain.yicoin`)."""

from datetime import datetime


def format_time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def parse_time(text: str) -> int:
    """Unix seconds, or an ISO 8601 date-time; without a zone it is the machine's local time,
    which is what a merchant typing '2025-06-01 09:00' at the counter means."""
    if text.strip().isdigit():
        return int(text)
    try:
        return int(datetime.fromisoformat(text.strip()).timestamp())
    except ValueError:
        raise ValueError(f"{text!r} is neither unix seconds nor a date-time like 2025-06-01T09:00") from None
