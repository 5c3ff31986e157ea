"""Helpers shared by the VolunteerRegistry and HourLedger tests.

`reverts_with` and `ANY` live in helpers_market (one copy for the whole folder) and are
re-exported here. A "signed" value is the `(fields, r, vs)` tuple the conftest `sign` fixture
returns and `HourLedger.attest` / `attestBatch` take.
"""

from __future__ import annotations

from brownie import accounts, chain
from brownie.convert.datatypes import HexString
from helpers_market import ANY, DAY, reverts_with

from yilian.chain.eip712 import Eip712Domain, HourAttestation, Signature, recover_signer, uid
from yilian.chain.protocol import AttestationStatus, Rejection  # noqa: F401 - the tests import them from here

__all__ = [
    "ANY",
    "DAY",
    "HOUR",
    "ActivityStatus",
    "AttestationStatus",
    "Rejection",
    "VolunteerStatus",
    "accepted_uids",
    "attestation_of",
    "create_activity",
    "recovered_signer",
    "rejections",
    "resigned",
    "reverts_with",
    "sleep_until",
    "uid_of",
    "unregistered_account",
    "window_of",
]

HOUR = 3_600


class VolunteerStatus:
    """IVolunteerRegistry.VolunteerStatus."""

    NONE, ACTIVE, SUSPENDED = 0, 1, 2


class ActivityStatus:
    """IVolunteerRegistry.ActivityStatus."""

    NONE, OPEN, CLOSED = 0, 1, 2


def unregistered_account():
    """An account no fixture registers as a volunteer (the conftest registers alice and bob)."""
    return accounts[9]


def uid_of(volunteer, activity_id: int, session: int) -> HexString:
    """The Python uid (yilian.chain.eip712.uid) in Brownie's bytes32 type, so it compares equal
    to event values and formats as bytes in `reverts_with`."""
    return HexString(uid(str(volunteer), activity_id, session), "bytes32")


def create_activity(
    registry,
    organiser,
    *,
    starts_at=None,
    ends_at=None,
    minute_cap=600,
    points_per_hour=10,
    organisation_id=1,
    category=1,
) -> int:
    """Creates an activity (by default open from a day ago for two days); returns its id."""
    starts_at = chain.time() - DAY if starts_at is None else starts_at
    ends_at = starts_at + 2 * DAY if ends_at is None else ends_at
    tx = registry.createActivity(
        organisation_id, category, starts_at, ends_at, minute_cap, points_per_hour, {"from": organiser}
    )
    return tx.events["ActivityCreated"]["activityId"]


def window_of(registry, activity_id: int) -> tuple[int, int]:
    """(startsAt, endsAt) of an activity as the registry stores it now."""
    terms = registry.activity(activity_id)
    return terms["startsAt"], terms["endsAt"]


def sleep_until(timestamp: int) -> None:
    """Moves the chain clock to `timestamp` (the next block is mined at or just after it)."""
    chain.sleep(timestamp - chain.time())
    chain.mine()


def resigned(signed: tuple, signer, domain: Eip712Domain) -> tuple:
    """The same attestation fields, signed by `signer` under `domain`."""
    fields = signed[0]
    r, vs = signer.sign_attestation(HourAttestation(*fields), domain).compact()
    return fields, r, vs


def recovered_signer(signed: tuple, domain: Eip712Domain) -> str:
    """The address the ledger recovers from `signed`'s signature over its fields under `domain`."""
    fields, r, vs = signed
    return recover_signer(HourAttestation(*fields).digest(domain), Signature.from_compact(r, vs))


def attestation_of(ledger, volunteer, activity_id: int, session: int) -> tuple:
    """`ledger.attestationOf` as a plain (uid, status, minutes) tuple: Brownie 1.22's own
    ReturnValue == tuple comparison raises a TypeError on integer members."""
    return tuple(ledger.attestationOf(volunteer, activity_id, session))


def rejections(tx) -> list[tuple]:
    """(uid, volunteer, activityId, reason) of each AttestationRejected event, in order."""
    return [
        (e["uid"], e["volunteer"], e["activityId"], e["reason"]) for e in tx.events if e.name == "AttestationRejected"
    ]


def accepted_uids(tx) -> list:
    """The uids of the HoursAttested events of a transaction, in order."""
    return [e["uid"] for e in tx.events if e.name == "HoursAttested"]
