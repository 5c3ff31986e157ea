"""What the relay's database says, read-only: attestations with their check-in evidence, and the
names of organisations. Used by the audit, the statistics and the certificates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from yilian.corrections.models import Correction
from yilian.relay.db.models import Attestation, CheckIn, Organisation, Volunteer

STREAM_ROWS = 10_000  # rows per fetch: a million attestations never sit in memory twice


@dataclass(frozen=True, slots=True)
class RelayAttestation:
    uid: str
    status: str  # pending, signed, submitted, confirmed or rejected
    volunteer: str
    activity_id: int
    session: int
    check_in: int
    check_out: int
    minutes: int
    evidence_hash: str
    evidence: str | None  # CheckIn.evidence, the canonical JSON whose keccak is evidence_hash
    block_number: int | None


@contextmanager
def relay_session(url: str) -> Iterator[Session]:
    """A session on the relay's database through a plain engine: unlike the relay's own, it
    takes no write lock on SQLite, so a reader never holds up the relay. Plain `postgresql://`
    URLs get the installed driver."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def relay_attestations(session: Session) -> Iterator[RelayAttestation]:
    query = (
        select(Attestation, CheckIn.evidence)
        .outerjoin(CheckIn, CheckIn.id == Attestation.check_in_id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    for row, evidence in session.execute(query):
        yield RelayAttestation(
            uid=row.uid.lower(),
            status=row.status,
            volunteer=row.volunteer_address,
            activity_id=row.activity_id,
            session=row.session,
            check_in=row.check_in,
            check_out=row.check_out,
            minutes=row.minutes,
            evidence_hash=row.evidence_hash.lower(),
            evidence=evidence,
            block_number=row.block_number,
        )


CORRECTION_COLUMNS = (
    "id", "volunteer", "activity_id", "check_in_id", "status", "check_in", "check_out", "old_minutes",
    "new_minutes", "revoked_uid", "new_uid", "reason", "decision_reason", "created_at", "decide_by",
    "decided_at", "confirmed_at",
)  # fmt: skip


def correction_rows(session: Session) -> Iterator[tuple]:
    """The trail of every correction request, for corrections.csv; `volunteer` is the address."""
    query = (
        select(Correction, Volunteer.address)
        .join(Volunteer, Volunteer.id == Correction.volunteer_id)
        .order_by(Correction.id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    for row, address in session.execute(query):
        yield tuple(address if name == "volunteer" else getattr(row, name) for name in CORRECTION_COLUMNS)


def organisation_names(session: Session) -> dict[int, str]:
    return {row.id: row.name for row in session.execute(select(Organisation.id, Organisation.name))}
