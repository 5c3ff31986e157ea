"""益币 amounts as people read and type them. YiCoin has two decimals (`YiCoin.decimals()`), so
amounts travel as integer base units: 1250 is 12.50 益币."""

from decimal import Decimal, InvalidOperation

YICOIN_DECIMALS = 2
_UNIT = 10**YICOIN_DECIMALS


def format_yicoin(units: int, *, unit: bool = True) -> str:
    """Exactly, with thousands separators: 123456 → "1,234.56 益币" (without `unit`: "1,234.56")."""
    whole, cents = divmod(abs(units), _UNIT)
    text = f"{'-' if units < 0 else ''}{whole:,}.{cents:0{YICOIN_DECIMALS}d}"
    return f"{text} 益币" if unit else text


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
