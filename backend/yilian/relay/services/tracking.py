"""Follows every submitter transaction to confirmation and settles its attestations.

A receipt confirmed N blocks deep settles the batch from the ledger's events: HoursAttested →
confirmed; AttestationRejected(AlreadyAccepted) → confirmed too, since the ledger keeps one
record per session and it is already there; any other rejection → rejected with the reason.
A transaction that is unknown to the node is sent again (crash before broadcast, node restart);
one stuck too long is replaced at a higher fee; one whose nonce went to another transaction
gives its attestations back to the outbox.

A receipt is not final until it is `confirmations` blocks deep. A mined transaction whose block
then leaves the chain (a reorganisation) is followed again as sent: re-sent with its nonce if the
node lost it, so later nonces are not stranded; if another transaction took that nonce on the new
branch, its attestations go back to the outbox. Nothing is confirmed twice: the ledger keeps one
record per session.
"""

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from web3.exceptions import TransactionNotFound

from yilian.chain.ledger_batch import Receipt, batch_verdict, fetch_receipt
from yilian.chain.protocol import Rejection
from yilian.relay import metrics
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation, ChainTx
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.transactions import Submitter

MAX_BACKOFF_S = 60.0


@dataclass(frozen=True)
class _Seen:
    """What the node said about one open transaction, asked outside any database transaction."""

    tx_hash: str  # the row's hash when the node was asked; a replacement since makes this stale
    receipt: Receipt | None
    nonce_taken: bool  # no receipt, and the account's mined count had passed the nonce before
    known: bool  # no receipt: whether the node has the transaction (not asked when moot)


def track(sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, settings: Settings) -> int:
    """One pass over the open transactions; returns how many are still open.

    The node is asked first, with no database lock held (on SQLite a write transaction stops
    the API); the answers are applied in one short transaction to the rows still as they were
    when asked; transactions to (re)send go out after it commits."""
    with sessions() as db:
        asked = db.scalars(select(ChainTx).where(ChainTx.status.in_(("sent", "mined"))).order_by(ChainTx.nonce)).all()
    if not asked:
        return 0
    # Mined counts before receipts: a count past a nonce whose transaction then shows no
    # receipt means another transaction took that nonce, not ours mined in between.
    eth = chain.w3.eth
    accounts = {row.account for row in asked}
    mined = {account: eth.get_transaction_count(account, "latest") for account in accounts}  # type: ignore[arg-type]
    head = eth.block_number
    seen = {row.id: _observe(chain, settings, row, mined[row.account]) for row in asked}
    to_send: list[ChainTx] = []
    with transaction(sessions) as db:
        rows = db.scalars(
            select(ChainTx)
            .where(ChainTx.id.in_(list(seen)), ChainTx.status.in_(("sent", "mined")))
            .order_by(ChainTx.nonce)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            answer = seen[row.id]
            if row.tx_hash != answer.tx_hash:
                continue  # replaced since the node was asked: the next pass asks again
            if _follow(db, chain, submitter, settings, row, head, answer):
                to_send.append(row)
        still_open = sum(row.status in ("sent", "mined") for row in rows) + len(seen) - len(rows)
    for row in to_send:
        submitter.broadcast(row)
    return still_open


def _observe(chain: RelayChain, settings: Settings, row: ChainTx, mined_count: int) -> _Seen:
    receipt = _find_receipt(chain, row)
    if receipt is not None:
        return _Seen(row.tx_hash, receipt, nonce_taken=False, known=True)
    taken = mined_count > row.nonce
    # A transaction reorganised out of the chain is re-sent, however long ago it was sent.
    stuck = row.status == "sent" and time.time() - row.sent_at > settings.stuck_after_s
    known = taken or stuck or _node_knows(chain, row.tx_hash)
    return _Seen(row.tx_hash, None, nonce_taken=taken, known=known)


def _follow(
    db: Session, chain: RelayChain, submitter: Submitter, settings: Settings, row: ChainTx, head: int,
    seen: _Seen,
) -> bool:  # fmt: skip
    """Applies what the node said; True when the row's transaction must be (re)broadcast."""
    receipt = seen.receipt
    if receipt is None:
        return _chase(db, submitter, settings, row, seen)
    row.block_number = receipt.block_number
    row.tx_hash = receipt.transaction_hash
    if head - receipt.block_number + 1 < chain.confirmations(settings):
        row.status = "mined"
        return False
    if receipt.status == 0:
        row.status = "failed"
        metrics.TRANSACTIONS.labels("failed").inc()
        _release(db, row)
        return False
    row.status = "confirmed"
    metrics.TRANSACTIONS.labels("confirmed").inc()
    if row.kind == "attest_batch":
        _settle_batch(db, chain, row, receipt)
    return False


def _chase(db: Session, submitter: Submitter, settings: Settings, row: ChainTx, seen: _Seen) -> bool:
    if row.status == "mined":  # its block left the chain
        row.status, row.block_number, row.sent_at = "sent", None, time.time()
        metrics.TRANSACTIONS.labels("reorganised").inc()
    if seen.nonce_taken:
        row.status = "dropped"  # the nonce went to a transaction we don't know
        metrics.TRANSACTIONS.labels("dropped").inc()
        _release(db, row)
        return False
    if time.time() - row.sent_at > settings.stuck_after_s:
        submitter.replace(row)  # recorded with this transaction, broadcast after it commits
        metrics.TRANSACTIONS.labels("replaced").inc()
        _retarget(db, row)
        return True
    return not seen.known  # unknown to the node (crash before broadcast, node restart): resend


def _node_knows(chain: RelayChain, tx_hash: str) -> bool:
    try:
        chain.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
    except TransactionNotFound:
        return False
    return True


def _find_receipt(chain: RelayChain, row: ChainTx) -> Receipt | None:
    for tx_hash in [row.tx_hash, *filter(None, row.earlier_hashes.split(","))]:
        receipt = fetch_receipt(chain.w3, tx_hash)
        if receipt is not None:
            return receipt
    return None


def _settle_batch(db: Session, chain: RelayChain, row: ChainTx, receipt: Receipt) -> None:
    verdict = batch_verdict(chain.ledger.address, receipt)
    for attestation in _attestations_of(db, row):
        uid = bytes.fromhex(attestation.uid[2:])
        reason = verdict.rejected.get(uid)
        if uid in verdict.accepted or reason is Rejection.ALREADY_ACCEPTED:
            attestation.status, attestation.tx_hash = "confirmed", row.tx_hash
            attestation.block_number = row.block_number
            metrics.CONFIRMED.inc()
            metrics.SUBMIT_LATENCY.observe(max(0.0, time.time() - attestation.check_out))
        elif reason is not None:
            attestation.status, attestation.rejection = "rejected", reason.code
            metrics.REJECTED.labels(reason.code).inc()
        else:  # not in the receipt at all: cannot happen with this ledger, but never lose it
            _back_to_outbox(attestation)


def _release(db: Session, row: ChainTx) -> None:
    for attestation in _attestations_of(db, row):
        _back_to_outbox(attestation)


def _back_to_outbox(attestation: Attestation) -> None:
    attestation.status, attestation.chain_tx_id, attestation.tx_hash = "signed", None, None
    attestation.not_before = time.time() + min(MAX_BACKOFF_S, 2.0**attestation.attempts)


def _retarget(db: Session, row: ChainTx) -> None:
    for attestation in _attestations_of(db, row):
        attestation.tx_hash = row.tx_hash


def _attestations_of(db: Session, row: ChainTx) -> list[Attestation]:
    return list(db.scalars(select(Attestation).where(Attestation.chain_tx_id == row.id)))
