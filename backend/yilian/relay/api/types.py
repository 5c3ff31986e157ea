"""Bounded input types: every value is checked where it enters, against the width the database
and the contracts give it, so a bad value is a 422 naming the field before any work is done.

Integer widths follow the contracts (uint16 rates, uint32 minutes, uint40 times, uint64 ids). Chain
ids are uint64 on chain but the relay stores them in signed 64-bit columns (BigInteger on SQLite and
PostgreSQL), so ids are accepted up to 2^63 − 1: the registry numbers from 1 upwards and will not
reach that bound. Times are uint40 Unix seconds capped at the last second of year 9999, so every
time the relay accepts can also be written as a calendar date.
"""

from datetime import date
from typing import Annotated

from fastapi import Header, Path
from pydantic import Field

MAX_ID = 2**63 - 1
MAX_UINT16 = 2**16 - 1
MAX_UINT32 = 2**32 - 1
MAX_UINT128 = 2**128 - 1
LAST_SECOND_OF_9999 = 253_402_300_799  # 9999-12-31T23:59:59Z, below uint40's 2^40 − 1
MAX_RADIUS_M = 50_000.0  # a geofence wider than a district is a typo
MAX_ACCURACY_M = 100_000.0  # what a device may report; the check-in rule refuses > 100 m itself

ChainId = Annotated[int, Field(ge=1, le=MAX_ID, description="An id the chain assigned (1 … 2^63 − 1)")]
UnixTime = Annotated[
    int, Field(ge=0, le=LAST_SECOND_OF_9999, description="Unix seconds (uint40 on chain; up to year 9999)")
]
Uint16 = Annotated[int, Field(ge=0, le=MAX_UINT16)]
Minutes = Annotated[int, Field(ge=1, le=MAX_UINT32, description="Whole minutes (uint32 on chain)")]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="Degrees, WGS-84")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="Degrees, WGS-84")]
RadiusM = Annotated[float, Field(ge=1, le=MAX_RADIUS_M, allow_inf_nan=False, description="Metres")]
AccuracyM = Annotated[
    float, Field(ge=0, le=MAX_ACCURACY_M, allow_inf_nan=False, description="Metres, as the device reports it")
]
Day = Annotated[date, Field(ge=date(1970, 1, 1), le=date(9998, 12, 31), description="A calendar day (China time)")]

AppUserId = Annotated[str, Field(min_length=1, max_length=100, description="The app's own id of the volunteer")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]
Bytes32Hex = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{64}$", description="32 bytes, 0x-hex")]
# Addresses are only bounded here: the services check them (EIP-55 too) and answer `invalid_address`.
AddressText = Annotated[str, Field(min_length=1, max_length=42, description="An Ethereum address, 0x-hex")]

# Path parameters: the same bounds, declared where FastAPI reads them.
SkillCode = Annotated[
    str, Field(min_length=1, max_length=50, description="A skill code, e.g. first_aid, sign_language, elderly_care")
]
ChainIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="An id the chain assigned")]
AppUserIdPath = Annotated[str, Path(min_length=1, max_length=100, description="The app's own id of the volunteer")]
UidPath = Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="The attestation's uid, 0x-hex")]
CheckInIdPath = Annotated[str, Path(min_length=1, max_length=36, description="The check-in's id (a UUID)")]
AddressPath = Annotated[str, Path(min_length=1, max_length=42, description="An Ethereum address, 0x-hex")]

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes a retry safe: the same key and body get the first answer (≤ 200 printable ASCII)",
    ),
]
