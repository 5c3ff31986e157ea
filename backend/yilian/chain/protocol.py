"""What the contracts define that off-chain code must agree with: their enums, in declaration
order, and their limits. One copy for the relay, the merchant tools, the audit and the
certificates; tests/backend/chain/test_protocol.py holds every member and limit against the
compiler's AST of the contracts (build/contracts), so a contract change that is not made here
fails the tests instead of misreading the chain.

The ABI carries enums as uint8 without their member names, hence this module.
"""

from enum import IntEnum


class AttestationStatus(IntEnum):
    """IHourLedger.AttestationStatus: what `attestationOf` says of a session."""

    NONE = 0
    ACCEPTED = 1
    REVOKED = 2


class Rejection(IntEnum):
    """IHourLedger.Rejection: why `attestBatch` left an item out (AttestationRejected.reason)."""

    NONE = 0
    INVALID_SIGNATURE = 1
    SIGNER_NOT_ORGANISATION_ATTESTER = 2
    ALREADY_ACCEPTED = 3
    ALREADY_REVOKED = 4
    SESSION_OUT_OF_RANGE = 5
    INVALID_SERVICE_TIME = 6
    VOLUNTEER_NOT_ACTIVE = 7
    UNKNOWN_ACTIVITY = 8
    OUTSIDE_ACTIVITY_WINDOW = 9
    OVER_MINUTE_CAP = 10

    @property
    def code(self) -> str:
        """The stable snake_case code the relay stores and reports: "over_minute_cap"."""
        return self.name.lower()


class MerchantKind(IntEnum):
    """IMerchantAlliance.MerchantKind."""

    NONE = 0
    BUSINESS = 1
    PUBLIC_BENEFIT = 2


class MerchantStatus(IntEnum):
    """IMerchantAlliance.MerchantStatus."""

    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2


TIME_BANK_SERVICE_CATEGORY = 255  # HourLedger.TIME_BANK_SERVICE_CATEGORY: sessions pay a service request
MAX_SESSIONS = 16  # HourLedger.MAX_SESSIONS: sessions (check-in/check-out pairs) per volunteer and activity
