"""The attestation outbox: sign what is pending, batch what is signed, hand batches to the chain.

A batch holds one organisation's attestations, sorted by activity (the ledger asks the registry
once per run of one activity), and its organisation's key signs the whole batch at submission.
Each step is its own database transaction. Rows are claimed with FOR UPDATE SKIP LOCKED on
PostgreSQL, so several relay replicas never put the same attestation in two batches; SQLite has
one writer at a time anyway (BEGIN IMMEDIATE).
"""

import time
from collections.abc import Sequence

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from yilian.chain.eip712 import HourAttestation
from yilian.chain.ledger_batch import encode_attest_batch, sign_batch
from yilian.relay import metrics
from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, Attestation, ChainTx
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.transactions import Prepared, Submitter

BATCH_BASE_GAS = 60_000
ITEM_GAS = 160_000  # a new volunteer's first session costs ~150k; unused gas is not charged


def to_eip712(row: Attestation) -> HourAttestation:
    return HourAttestation(
        volunteer=row.volunteer_address,
        activity_id=row.activity_id,
        session=row.session,
        check_in=row.check_in,
        check_out=row.check_out,
        service_minutes=row.minutes,
        evidence_hash=bytes.fromhex(row.evidence_hash[2:]),
    )


def sign_attestation(db: Session, chain: RelayChain, row: Attestation) -> None:
    """Signs with the key of the activity's organisation: the ledger accepts no other."""
    signer = chain.attesters.for_activity(db, row.activity_id)
    r, vs = signer.sign_attestation(to_eip712(row), chain.domain).compact()
    row.signature_r, row.signature_vs = "0x" + r.hex(), "0x" + vs.hex()
    row.status = "signed"


def sign_pending(sessions: sessionmaker[Session], chain: RelayChain, limit: int = 500) -> int:
    """Signs attestations left pending (a crash between storing and signing). Looked for first
    with a read: the worker asks every pass and almost always finds none, and a write
    transaction would take the database's write lock from the API each time."""
    with sessions() as session:
        if session.scalar(select(Attestation.uid).where(Attestation.status == "pending").limit(1)) is None:
            return 0
    with transaction(sessions) as session:
        rows = session.scalars(
            select(Attestation).where(Attestation.status == "pending").limit(limit).with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            sign_attestation(session, chain, row)
        return len(rows)


def submit_batch(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, settings: Settings,
    prepared: Prepared | None = None,
) -> ChainTx | None:  # fmt: skip
    """Puts the oldest signed attestations into one attestBatch transaction, when the batch is
    full or its oldest item has waited long enough. Records, commits, then broadcasts.
    `prepared`: the node's fees and mined nonce, asked before any database lock is taken
    (the worker asks once per pass; by default, here, when a batch is due)."""
    now = time.time()
    if prepared is None:
        if not batch_due(sessions, settings, now):
            return None
        prepared = submitter.prepare()
    with transaction(sessions) as session:
        organisation = _oldest_organisation(session, now)
        if organisation is None:
            return None
        rows = session.scalars(
            _ready(now, organisation).limit(settings.batch_max_size).with_for_update(skip_locked=True, of=Attestation)
        ).all()
        if not rows or not _due([row.created_at for row in rows], settings, now):
            return None
        chain_tx = submitter.record(
            session,
            kind="attest_batch",
            to=chain.ledger.address,
            data=attest_batch_calldata(session, chain, organisation, rows),
            gas=BATCH_BASE_GAS + ITEM_GAS * len(rows),
            prepared=prepared,
        )
        _mark_submitted(session, rows, chain_tx)
        metrics.BATCH_SIZE.observe(len(rows))
    submitter.broadcast(chain_tx)
    return chain_tx


def _mark_submitted(session: Session, rows: Sequence[Attestation], chain_tx: ChainTx) -> None:
    """One UPDATE for the batch's rows (claimed above), not a statement each."""
    session.execute(
        update(Attestation)
        .where(Attestation.uid.in_([row.uid for row in rows]))
        .values(
            status="submitted", chain_tx_id=chain_tx.id, tx_hash=chain_tx.tx_hash, attempts=Attestation.attempts + 1
        ),
        execution_options={"synchronize_session": False},
    )


def batch_due(sessions: sessionmaker[Session], settings: Settings, now: float) -> bool:
    """Whether `submit_batch` would find a batch now (a read: no lock, no row claimed)."""
    with sessions() as session:
        organisation = _oldest_organisation(session, now)
        created = session.scalars(
            _ready(now, organisation).with_only_columns(Attestation.created_at).limit(settings.batch_max_size)
        ).all()
    return _due(list(created), settings, now)


def _oldest_organisation(db: Session, now: float) -> int | None:
    """The organisation of the oldest signed attestation: its batch goes first, so no
    organisation waits longer than `batch_max_age_s` behind others' full batches."""
    return db.scalar(
        select(Activity.organisation_id)
        .join(Attestation, Attestation.activity_id == Activity.id)
        .where(Attestation.status == "signed", Attestation.not_before <= now)
        .order_by(Attestation.created_at)
        .limit(1)
    )


def _ready(now: float, organisation: int | None) -> Select[Attestation]:
    """The organisation's signed attestations that may go now, oldest first."""
    return (
        select(Attestation)
        .join(Activity, Attestation.activity_id == Activity.id)
        .where(Attestation.status == "signed", Attestation.not_before <= now, Activity.organisation_id == organisation)
        .order_by(Attestation.created_at)
    )


def _due(created: list[float], settings: Settings, now: float) -> bool:
    """A full batch, or a partial one whose oldest item has waited `batch_max_age_s`."""
    if not created:
        return False
    return len(created) >= settings.batch_max_size or created[0] <= now - settings.batch_max_age_s


def attest_batch_calldata(db: Session, chain: RelayChain, organisation_id: int, rows: Sequence[Attestation]) -> str:
    """attestBatch's calldata for the organisation's `rows`, sorted by activity and signed as one
    batch with the organisation's key."""
    items = [to_eip712(row) for row in sorted(rows, key=lambda row: row.activity_id)]
    signer = chain.attesters.for_organisation(db, organisation_id)
    return encode_attest_batch(sign_batch(signer, items, chain.domain))
