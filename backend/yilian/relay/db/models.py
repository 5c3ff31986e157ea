"""Relay records. Personal data (names, ID numbers, faces, location tracks) lives only here,
never on chain; the full ID number is not stored at all, only its keyed hash and a masked form.
"""

import time
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now_s() -> int:
    return int(time.time())


class Base(DeclarativeBase):
    pass


def table_of(model: type[Base]) -> Table:
    """The model's Core table: an INSERT on it skips the ORM's bulk machinery (a sixth of a
    check-in's work when the INSERT named the class)."""
    return cast(Table, model.__table__)


def columns_of(row: Base) -> dict[str, Any]:
    """The column values set on a new row, not added to a session: a Core INSERT of it on
    `table_of` its class (the columns left out take their defaults)."""
    values = vars(row)
    return {column.key: values[column.key] for column in table_of(type(row)).columns if column.key in values}


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    # An organiser key acts for this one organisation only; other roles have none.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # chain id
    name: Mapped[str] = mapped_column(String(200))
    profile_hash: Mapped[str] = mapped_column(String(66))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class OrganisationAttester(Base):
    """A key registered on chain as one of the organisation's attesters: the one the relay holds
    (its keystore encrypted with the custody secret) or an external signer (no keystore)."""

    __tablename__ = "organisation_attesters"
    __table_args__ = (UniqueConstraint("organisation_id", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    address: Mapped[str] = mapped_column(String(42))
    custodial_keystore: Mapped[str | None] = mapped_column(Text)  # encrypted JSON keystore
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class Volunteer(Base):
    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_user_id: Mapped[str] = mapped_column(String(100), unique=True)
    address: Mapped[str] = mapped_column(String(42), unique=True)
    custodial_keystore: Mapped[str | None] = mapped_column(Text)  # encrypted JSON keystore
    real_name: Mapped[str] = mapped_column(String(100))
    id_number_masked: Mapped[str] = mapped_column(String(40))
    # HMAC of the normalised identity under the relay's pepper: one real-name identity, one row.
    identity_hash: Mapped[str] = mapped_column(String(66), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        # Discover lists: by start time, and near a point (a bounding box on these, then haversine).
        Index("activities_by_start", "starts_at", "id"),
        Index("activities_by_position", "latitude", "longitude"),
        Index("activities_by_organisation", "organisation_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # chain id
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[int] = mapped_column(BigInteger)
    ends_at: Mapped[int] = mapped_column(BigInteger)
    latitude: Mapped[float]
    longitude: Mapped[float]
    radius_m: Mapped[float]
    minute_cap: Mapped[int] = mapped_column(Integer)
    points_per_hour: Mapped[int] = mapped_column(Integer)
    signin_secret: Mapped[bytes] = mapped_column(LargeBinary)
    face_at_check_out: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class ActivitySkill(Base):
    """A skill the activity needs (a code of `services/skills.py`); the organiser sets them."""

    __tablename__ = "activity_skills"
    __table_args__ = (Index("activities_by_skill", "skill", "activity_id"),)

    activity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("activities.id"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(50), primary_key=True)


class CheckIn(Base):
    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "activity_id", "session"),
        # At most one open check-in per volunteer, enforced by the database itself.
        Index(
            "one_open_check_in",
            "volunteer_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    session: Mapped[int] = mapped_column(Integer)
    # Effective times (what the minutes count) and the relay's own receipt times (server clock).
    checked_in_at: Mapped[int] = mapped_column(BigInteger)
    checked_out_at: Mapped[int | None] = mapped_column(BigInteger)
    check_in_received_at: Mapped[int] = mapped_column(BigInteger)
    check_out_received_at: Mapped[int | None] = mapped_column(BigInteger)
    last_presence_at: Mapped[int] = mapped_column(BigInteger)  # check-in or last in-fence ping
    closed_by: Mapped[str | None] = mapped_column(String(20))  # check_out|last_presence|relay
    face_nonce: Mapped[str] = mapped_column(String(66), unique=True)  # an assertion is used once
    evidence: Mapped[str] = mapped_column(Text)  # canonical JSON, see yilian.records.evidence
    status: Mapped[str] = mapped_column(String(20), default="open")


class PresencePing(Base):
    """A verified in-fence position during a session (server time): the evidence that a volunteer
    who left without checking out is credited up to, never later."""

    __tablename__ = "presence_pings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_in_id: Mapped[str] = mapped_column(ForeignKey("check_ins.id"), index=True)
    at: Mapped[int] = mapped_column(BigInteger)
    latitude: Mapped[float]
    longitude: Mapped[float]
    accuracy_m: Mapped[float]


class SpentFaceNonce(Base):
    """Every face assertion the relay has seen used (check-in, check-out, a wrong code, a voucher)."""

    __tablename__ = "spent_face_nonces"

    nonce: Mapped[str] = mapped_column(String(66), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    spent_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class FailedAttempt(Base):
    """A wrong sign-in code or failed face check: the sliding windows of the lock-out count these
    rows, so every replica sharing the database agrees. An organiser's lift marks them lifted."""

    __tablename__ = "failed_attempts"
    __table_args__ = (
        Index("failed_attempts_by_volunteer", "volunteer_id", "at"),
        Index("failed_attempts_by_activity", "activity_id", "at"),
        Index("failed_attempts_by_api_key", "api_key_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    kind: Mapped[str] = mapped_column(String(10))  # code | face
    at: Mapped[int] = mapped_column(BigInteger)
    lifted_at: Mapped[int | None] = mapped_column(BigInteger)


class Attestation(Base):
    """The durable outbox: stored before it is signed or sent.

    pending → signed → submitted → confirmed, or rejected with the chain's reason.
    """

    __tablename__ = "attestations"
    __table_args__ = (Index("attestations_by_status", "status", "created_at"),)

    uid: Mapped[str] = mapped_column(String(66), primary_key=True)
    check_in_id: Mapped[str] = mapped_column(ForeignKey("check_ins.id"), unique=True)
    volunteer_address: Mapped[str] = mapped_column(String(42), index=True)
    activity_id: Mapped[int] = mapped_column(BigInteger)
    session: Mapped[int] = mapped_column(Integer)
    check_in: Mapped[int] = mapped_column(BigInteger)
    check_out: Mapped[int] = mapped_column(BigInteger)
    minutes: Mapped[int] = mapped_column(Integer)
    evidence_hash: Mapped[str] = mapped_column(String(66))
    signature_r: Mapped[str | None] = mapped_column(String(66))
    signature_vs: Mapped[str | None] = mapped_column(String(66))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    rejection: Mapped[str | None] = mapped_column(String(40))
    chain_tx_id: Mapped[int | None] = mapped_column(ForeignKey("chain_txs.id"), index=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66))
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[float] = mapped_column(default=0.0)  # retry backoff
    created_at: Mapped[float] = mapped_column(default=time.time)
    updated_at: Mapped[float] = mapped_column(default=time.time, onupdate=time.time)


class ChainTx(Base):
    """A transaction of the submitter account, recorded (signed, with its hash) before it is sent,
    so a crash at any point leaves something to re-send or to confirm."""

    __tablename__ = "chain_txs"
    __table_args__ = (
        UniqueConstraint("account", "nonce"),
        Index("chain_txs_by_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    account: Mapped[str] = mapped_column(String(42))
    nonce: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))
    call_json: Mapped[str] = mapped_column(Text)  # to, data, gas: what a replacement re-signs
    raw_tx: Mapped[str] = mapped_column(Text)
    earlier_hashes: Mapped[str] = mapped_column(Text, default="")  # replaced by a higher fee
    fee_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="sent")  # sent|mined|confirmed|failed|dropped
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[float] = mapped_column(default=time.time)
    lease_until: Mapped[float] = mapped_column(default=0.0)


class NonceCursor(Base):
    __tablename__ = "nonce_cursors"

    account: Mapped[str] = mapped_column(String(42), primary_key=True)
    next_nonce: Mapped[int] = mapped_column(BigInteger)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # api key id + client key
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class IssuedCertificate(Base):
    """Every certificate the relay issued, as signed: the public page its QR code opens finds it
    here by number and verifies it against the chain again (it shows no more than the paper)."""

    __tablename__ = "certificates"

    # Keyed by hash: a certificate reissued within the same second may carry the same number.
    hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    number: Mapped[str] = mapped_column(String(40), index=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    volunteer_address: Mapped[str] = mapped_column(String(42), index=True)
    issued_at: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[str] = mapped_column(Text)  # the SignedCertificate's JSON
