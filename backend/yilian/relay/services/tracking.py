"""Follows every submitter transaction to confirmation and settles its attestations.

A receipt confirmed N blocks deep settles the batch from the ledger's events: HoursAttested →
confirmed; AttestationRejected(AlreadyAccepted) → confirmed too, since the ledger keeps one
record per session and it is already there; any other rejection → rejected with the reason.
A transaction that is unknown to the node is sent again (crash before broadcast, node restart);
one stuck too long is replaced at a higher fee; one whose nonce went to another transaction
gives its attestations back to the outbox.
"""

import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from web3.exceptions import TransactionNotFound
from web3.logs import DISCARD
from web3.types import TxReceipt

from yilian.relay import metrics
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation, ChainTx
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.transactions import Submitter

# IHourLedger.Rejection, in declaration order.
REJECTIONS = (
    "none",
    "invalid_signature",
    "signer_not_attester",
    "already_accepted",
    "already_revoked",
    "session_out_of_range",
    "invalid_service_time",
    "volunteer_not_active",
    "unknown_activity",
    "outside_activity_window",
    "over_minute_cap",
)
MAX_BACKOFF_S = 60.0


def track(sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, settings: Settings) -> int:
    """One pass over the open transactions; returns how many are still open."""
    with transaction(sessions) as session:
        rows = session.scalars(
            select(ChainTx)
            .where(ChainTx.status.in_(("sent", "mined")))
            .order_by(ChainTx.nonce)
            .with_for_update(skip_locked=True)
        ).all()
        head = chain.w3.eth.block_number
        for row in rows:
            _follow(session, chain, submitter, settings, row, head)
        return sum(row.status in ("sent", "mined") for row in rows)


def _follow(
    session: Session, chain: RelayChain, submitter: Submitter, settings: Settings, row: ChainTx, head: int
) -> None:
    receipt = _find_receipt(chain, row)
    if receipt is None:
        _chase(session, chain, submitter, settings, row)
        return
    row.block_number = receipt["blockNumber"]
    row.tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    if head - receipt["blockNumber"] + 1 < settings.confirmations:
        row.status = "mined"
        return
    if receipt["status"] == 0:
        row.status = "failed"
        metrics.TRANSACTIONS.labels("failed").inc()
        _release(session, row)
        return
    row.status = "confirmed"
    metrics.TRANSACTIONS.labels("confirmed").inc()
    if row.kind == "attest_batch":
        _settle_batch(session, chain, row, receipt)


def _chase(session: Session, chain: RelayChain, submitter: Submitter, settings: Settings, row: ChainTx) -> None:
    if chain.w3.eth.get_transaction_count(row.account, "latest") > row.nonce:
        row.status = "dropped"  # the nonce went to a transaction we don't know
        metrics.TRANSACTIONS.labels("dropped").inc()
        _release(session, row)
        return
    if time.time() - row.sent_at > settings.stuck_after_s:
        submitter.replace(row)
        metrics.TRANSACTIONS.labels("replaced").inc()
        _retarget(session, row)
        submitter.broadcast(row)
        return
    try:
        chain.w3.eth.get_transaction(row.tx_hash)
    except TransactionNotFound:
        submitter.broadcast(row)


def _find_receipt(chain: RelayChain, row: ChainTx) -> TxReceipt | None:
    for tx_hash in [row.tx_hash, *filter(None, row.earlier_hashes.split(","))]:
        try:
            return chain.w3.eth.get_transaction_receipt(tx_hash)
        except TransactionNotFound:
            continue
    return None


def _settle_batch(session: Session, chain: RelayChain, row: ChainTx, receipt: TxReceipt) -> None:
    events = chain.ledger.events
    accepted = {bytes(e.args.uid) for e in events.HoursAttested().process_receipt(receipt, errors=DISCARD)}
    rejected = {
        bytes(e.args.uid): REJECTIONS[e.args.reason]
        for e in events.AttestationRejected().process_receipt(receipt, errors=DISCARD)
    }
    for attestation in _attestations_of(session, row):
        uid = bytes.fromhex(attestation.uid[2:])
        reason = rejected.get(uid)
        if uid in accepted or reason == "already_accepted":
            attestation.status, attestation.tx_hash = "confirmed", row.tx_hash
            attestation.block_number = row.block_number
            metrics.CONFIRMED.inc()
            metrics.SUBMIT_LATENCY.observe(max(0.0, time.time() - attestation.check_out))
        elif reason is not None:
            attestation.status, attestation.rejection = "rejected", reason
            metrics.REJECTED.labels(reason).inc()
        else:  # not in the receipt at all: cannot happen with this ledger, but never lose it
            _back_to_outbox(attestation)


def _release(session: Session, row: ChainTx) -> None:
    for attestation in _attestations_of(session, row):
        _back_to_outbox(attestation)


def _back_to_outbox(attestation: Attestation) -> None:
    attestation.status, attestation.chain_tx_id, attestation.tx_hash = "signed", None, None
    attestation.not_before = time.time() + min(MAX_BACKOFF_S, 2.0**attestation.attempts)


def _retarget(session: Session, row: ChainTx) -> None:
    for attestation in _attestations_of(session, row):
        attestation.tx_hash = row.tx_hash


def _attestations_of(session: Session, row: ChainTx) -> list[Attestation]:
    return list(session.scalars(select(Attestation).where(Attestation.chain_tx_id == row.id)))
