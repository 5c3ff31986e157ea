"""How merchants read and type amounts and times: 益币 with two decimals, local date-times."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

YICOIN_DECIMALS = 2  # fixed by YiCoin.decimals()
_UNIT = 10**YICOIN_DECIMALS


def format_yicoin(units: int) -> str:
    whole, cents = divmod(units, _UNIT)
    return f"{whole:,}.{cents:02d} 益币"


def parse_yicoin(text: str) -> int:
    """'12.5', '12.50' or '12.50 益币' → 1250 base units. A third decimal is refused, not rounded:
    a merchant typing a price means exactly what they typed."""
    try:
        value = Decimal(text.strip().removesuffix("益币").strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount of 益币 (e.g. 12.50)") from None
    if not value.is_finite() or value < 0 or (value * _UNIT) % 1 != 0:
        raise ValueError(f"{text!r} is not an amount of 益币 with at most two decimals")
    return int(value * _UNIT)


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
