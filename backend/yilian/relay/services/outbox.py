"""The attestation outbox: sign what is pending, batch what is signed, hand batches to the chain.

Each step is its own database transaction. Rows are claimed with FOR UPDATE SKIP LOCKED on
PostgreSQL, so several relay replicas never put the same attestation in two batches; SQLite has
one writer at a time anyway (BEGIN IMMEDIATE).
"""

import time
from collections.abc import Sequence
from typing import Any

from eth_utils import function_abi_to_4byte_selector, get_abi_input_types
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from yilian.chain.eip712 import HourAttestation
from yilian.relay import metrics
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation, ChainTx
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
    """Signs attestations left pending (a crash between storing and signing)."""
    with transaction(sessions) as session:
        rows = session.scalars(
            select(Attestation)
            .where(Attestation.status == "pending")
            .limit(limit)
            .with_for_update(skip_locked=True)
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
        rows = session.scalars(
            select(Attestation)
            .where(Attestation.status == "signed", Attestation.not_before <= now)
            .order_by(Attestation.created_at)
            .limit(settings.batch_max_size)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows or not _due([row.created_at for row in rows], settings, now):
            return None
        chain_tx = submitter.record(
            session,
            kind="attest_batch",
            to=chain.ledger.address,
            data=attest_batch_calldata(chain, rows),
            gas=BATCH_BASE_GAS + ITEM_GAS * len(rows),
            prepared=prepared,
        )
        for row in rows:
            row.status, row.chain_tx_id, row.tx_hash = "submitted", chain_tx.id, chain_tx.tx_hash
            row.attempts += 1
        metrics.BATCH_SIZE.observe(len(rows))
    submitter.broadcast(chain_tx)
    return chain_tx


def batch_due(sessions: sessionmaker[Session], settings: Settings, now: float) -> bool:
    """Whether `submit_batch` would find a batch now (a read: no lock, no row claimed)."""
    with sessions() as session:
        created = session.scalars(
            select(Attestation.created_at)
            .where(Attestation.status == "signed", Attestation.not_before <= now)
            .order_by(Attestation.created_at)
            .limit(settings.batch_max_size)
        ).all()
    return _due(list(created), settings, now)


def _due(created: list[float], settings: Settings, now: float) -> bool:
    """A full batch, or a partial one whose oldest item has waited `batch_max_age_s`."""
    if not created:
        return False
    return len(created) >= settings.batch_max_size or created[0] <= now - settings.batch_max_age_s


# attestBatch(SignedHourAttestation[]): a dynamic array of static tuples. Its ABI encoding is the
# array's offset and length, then each element's nine 32-byte words in order; web3's generic
# encoder takes ~5 ms per item for the same bytes (tests/backend/relay/test_fast_signing.py).
ATTEST_BATCH_INPUTS = ["((address,uint64,uint16,uint40,uint40,uint32,bytes32),bytes32,bytes32)[]"]


_selectors: dict[str, bytes | None] = {}  # ledger address → attestBatch selector


def _attest_batch_selector(chain: RelayChain) -> bytes | None:
    """The function selector, if the ledger's attestBatch has the layout encoded here."""
    ledger = chain.ledger
    if ledger.address not in _selectors:
        function: Any = next(
            item
            for item in ledger.abi
            if item.get("type") == "function" and item.get("name") == "attestBatch"
        )
        same_layout = get_abi_input_types(function) == ATTEST_BATCH_INPUTS
        selector = function_abi_to_4byte_selector(function) if same_layout else None
        _selectors[ledger.address] = selector
    return _selectors[ledger.address]


def attest_batch_calldata(chain: RelayChain, rows: Sequence[Attestation]) -> str:
    """attestBatch's calldata for `rows` and their stored signatures."""
    selector = _attest_batch_selector(chain)
    if selector is None:  # another ledger ABI: the generic encoder
        return chain.ledger.encode_abi("attestBatch", args=[[_call_item(row) for row in rows]])
    words = [selector, (32).to_bytes(32, "big"), len(rows).to_bytes(32, "big")]
    for row in rows:
        item = to_eip712(row)  # validates every field's range
        words += [
            bytes(12) + bytes.fromhex(item.volunteer[2:]),
            item.activity_id.to_bytes(32, "big"),
            item.session.to_bytes(32, "big"),
            item.check_in.to_bytes(32, "big"),
            item.check_out.to_bytes(32, "big"),
            item.service_minutes.to_bytes(32, "big"),
            item.evidence_hash,
            _bytes32(row.signature_r),
            _bytes32(row.signature_vs),
        ]
    return "0x" + b"".join(words).hex()


def _bytes32(hex_value: str | None) -> bytes:
    value = bytes.fromhex((hex_value or "")[2:])
    if len(value) != 32:
        raise ValueError(f"expected 32 bytes, got {hex_value!r}")
    return value


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
