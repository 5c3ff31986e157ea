"""What the relay's database says, read-only: attestations with their check-in evidence, and the
names of organisations. Used by the audit, the statistics and the certificates' command line.

The audit reads the relay as an outsider would: through the few columns named here, not through
the relay's code (tests/backend/test_layers.py holds them to the relay's models).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import column, create_engine, select, table
from sqlalchemy.orm import Session

STREAM_ROWS = 10_000  # rows per fetch: a million attestations never sit in memory twice

ATTESTATIONS = table(
    "attestations",
    *map(column, ("uid", "check_in_id", "status", "volunteer_address", "activity_id", "session", "check_in")),
    *map(column, ("check_out", "minutes", "evidence_hash", "block_number")),
)
CHECK_INS = table("check_ins", column("id"), column("evidence"))
ORGANISATIONS = table("organisations", column("id"), column("name"))
VOLUNTEERS = table("volunteers", column("id"), column("address"))


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
        with Session(engine) as db:
            yield db
    finally:
        engine.dispose()


def relay_attestations(db: Session) -> Iterator[RelayAttestation]:
    a = ATTESTATIONS.c
    query = (
        select(
            a.uid, a.status, a.volunteer_address, a.activity_id, a.session, a.check_in, a.check_out, a.minutes,
            a.evidence_hash, CHECK_INS.c.evidence, a.block_number,
        )
        .select_from(ATTESTATIONS.outerjoin(CHECK_INS, CHECK_INS.c.id == a.check_in_id))
        .execution_options(yield_per=STREAM_ROWS)
    )  # fmt: skip
    for row in db.execute(query):
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
            evidence=row.evidence,
            block_number=row.block_number,
        )


CORRECTION_COLUMNS = (
    "id", "volunteer", "activity_id", "check_in_id", "status", "check_in", "check_out", "old_minutes",
    "new_minutes", "revoked_uid", "new_uid", "reason", "decision_reason", "created_at", "decide_by",
    "decided_at", "confirmed_at",
)  # fmt: skip


CORRECTIONS = table("corrections", column("volunteer_id"), *map(column, CORRECTION_COLUMNS[2:]), column("id"))


def correction_rows(db: Session) -> Iterator[tuple]:
    """The trail of every correction request, for corrections.csv; `volunteer` is the address."""
    columns = [VOLUNTEERS.c.address if name == "volunteer" else CORRECTIONS.c[name] for name in CORRECTION_COLUMNS]
    query = (
        select(*columns)
        .join_from(CORRECTIONS, VOLUNTEERS, VOLUNTEERS.c.id == CORRECTIONS.c.volunteer_id)
        .order_by(CORRECTIONS.c.id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    yield from (tuple(row) for row in db.execute(query))


def organisation_names(db: Session) -> dict[int, str]:
    return {row.id: row.name for row in db.execute(select(ORGANISATIONS.c.id, ORGANISATIONS.c.name))}
