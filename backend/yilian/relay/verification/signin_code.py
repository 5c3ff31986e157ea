"""Rotating venue sign-in code: TOTP (RFC 6238) with HMAC-SHA256 and a per-activity secret.

The organiser's screen at the venue shows ``current_code``; a volunteer's app submits what it
reads, proving someone at the check-in was in front of that screen within the last period or so.
"""

import hashlib
import hmac
import secrets
import struct

from yilian.relay.verification.errors import CheckInRejected

SECRET_BYTES = 32  # the SHA-256 output size, like RFC 6238's SHA-256 test key
MIN_SECRET_BYTES = 16  # RFC 4226 section 4 requires at least 128 bits


class SigninCodeInvalid(CheckInRejected):
    code = "signin_code_invalid"


def new_secret() -> bytes:
    """A fresh random secret for one activity."""
    return secrets.token_bytes(SECRET_BYTES)


def _hotp(secret: bytes, counter: int, digits: int) -> str:
    # RFC 4226 section 5.3: HMAC over the 8-byte big-endian counter, then dynamic truncation.
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFF_FFFF
    return str(value % 10**digits).zfill(digits)


def _step(t: int, period: int) -> int:
    if period <= 0 or t < 0:
        raise ValueError("period must be positive and time non-negative")
    return t // period  # RFC 6238 with T0 = 0


def code_at(secret: bytes, t: int, period: int = 30, digits: int = 6) -> str:
    """The code valid during the period containing unix time ``t``."""
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"sign-in secret must be at least {MIN_SECRET_BYTES} bytes")
    return _hotp(secret, _step(t, period), digits)


def current_code(secret: bytes, now: int, period: int = 30) -> tuple[str, int]:
    """The code to display now, and the unix time at which the screen must show the next one."""
    valid_until = (_step(now, period) + 1) * period
    return code_at(secret, now, period), valid_until


def check_code(secret: bytes, code: str, now: int, period: int = 30, skew: int = 1, digits: int = 6) -> None:
    """Accept ``code`` if it is the code of the current step or of up to ``skew`` steps either
    side (the phone may read a code just before it rotates, and clocks drift).

    Raises ``SigninCodeInvalid`` otherwise.
    """
    # Only ASCII digits can reach compare_digest, which raises TypeError on non-ASCII str.
    if len(code) != digits or not (code.isascii() and code.isdigit()):
        raise SigninCodeInvalid(f"sign-in code must be {digits} digits")
    step = _step(now, period)
    candidates = [code_at(secret, s * period, period, digits) for s in _window(step, skew)]
    # Constant-time compare against every candidate so timing reveals neither digits nor step.
    matches = [hmac.compare_digest(code, candidate) for candidate in candidates]
    if not any(matches):
        raise SigninCodeInvalid("sign-in code is wrong or has expired; read the venue screen again")


def _window(step: int, skew: int) -> range:
    if skew < 0:
        raise ValueError("skew must be non-negative")
    return range(max(0, step - skew), step + skew + 1)
