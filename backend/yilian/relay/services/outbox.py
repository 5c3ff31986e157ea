"""The attestation outbox: sign what is pending, batch what is signed, hand batches to the chain.

Each step is its own database transaction. Rows are claimed with FOR UPDATE SKIP LOCKED on
PostgreSQL, so several relay replicas never put the same attestation in two batches; SQLite has
one writer at a time anyway (BEGIN IMMEDIATE).
"""

import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from yilian.chain.eip712 import HourAttestation
from yilian.relay import metrics
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation, ChainTx
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.transactions import Submitter

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


def sign_attestation(chain: RelayChain, row: Attestation) -> None:
    r, vs = chain.attester.sign_attestation(to_eip712(row), chain.domain).compact()
    row.signature_r, row.signature_vs = "0x" + r.hex(), "0x" + vs.hex()
    row.status = "signed"


def sign_pending(sessions: sessionmaker[Session], chain: RelayChain, limit: int = 500) -> int:
    """Signs attestations left pending (a crash between storing and signing)."""
    with transaction(sessions) as session:
        rows = session.scalars(
            select(Attestation)
            .where(Attestation.status == "pending")
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            sign_attestation(chain, row)
        return len(rows)


def submit_batch(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, settings: Settings
) -> ChainTx | None:
    """Puts the oldest signed attestations into one attestBatch transaction, when the batch is
    full or its oldest item has waited long enough. Records, commits, then broadcasts."""
    now = time.time()
    with transaction(sessions) as session:
        rows = session.scalars(
            select(Attestation)
            .where(Attestation.status == "signed", Attestation.not_before <= now)
            .order_by(Attestation.created_at)
            .limit(settings.batch_max_size)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows or (
            len(rows) < settings.batch_max_size and rows[0].created_at > now - settings.batch_max_age_s
        ):
            return None
        chain_tx = submitter.record(
            session,
            kind="attest_batch",
            to=chain.ledger.address,
            data=chain.ledger.encode_abi("attestBatch", args=[[_call_item(row) for row in rows]]),
            gas=BATCH_BASE_GAS + ITEM_GAS * len(rows),
        )
        for row in rows:
            row.status, row.chain_tx_id, row.tx_hash = "submitted", chain_tx.id, chain_tx.tx_hash
            row.attempts += 1
        metrics.BATCH_SIZE.observe(len(rows))
    submitter.broadcast(chain_tx)
    return chain_tx


def _call_item(row: Attestation) -> tuple:
    item = to_eip712(row)
    fields = (
        item.volunteer,
        item.activity_id,
        item.session,
        item.check_in,
        item.check_out,
        item.service_minutes,
        item.evidence_hash,
    )
    return (fields, bytes.fromhex(row.signature_r[2:]), bytes.fromhex(row.signature_vs[2:]))
