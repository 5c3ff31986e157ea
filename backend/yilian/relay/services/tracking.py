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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from yilian.chain.connection import ask_each
from yilian.chain.ledger_batch import Receipt, batch_verdict, fetch_receipts
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
    stuck: bool  # the next nonce, unmined for too long: replaced at a higher fee


def _stuck(submitter: Submitter, settings: Settings, row: ChainTx, mined_count: int, now: float) -> bool:
    """Only the next nonce the chain expects can be stuck: ours behind it wait for it, however
    long (batches in flight mine one after another). It is stuck once unmined `stuck_after_s`
    after it was sent or became the next, whichever is later."""
    if row.status != "sent" or row.nonce != mined_count:
        return False
    count, since = submitter.mined_count_since.get(row.account, (None, now))
    if count != mined_count:  # the count moved (or first seen by this process): the clock starts now
        submitter.mined_count_since[row.account] = (mined_count, now)
        since = now
    return now - max(row.sent_at, since) > settings.stuck_after_s


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
    seen = _observe(chain, submitter, settings, asked, mined)
    if not any(_news(row, seen[row.id]) for row in asked):
        return len(asked)  # nothing to write: no write lock taken from the API
    head = eth.block_number  # after the receipts: a receipt is never newer than the head it is counted from
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


def _observe(
    chain: RelayChain, submitter: Submitter, settings: Settings, asked: Sequence[ChainTx], mined: Mapping[str, int]
) -> dict[int, _Seen]:
    """What the node says of each open transaction, in two JSON-RPC batches: every receipt
    (replacements' earlier hashes too), then, for those with none, whether the node has them."""
    hashes = [[row.tx_hash, *filter(None, row.earlier_hashes.split(","))] for row in asked]
    flat = [tx_hash for row_hashes in hashes for tx_hash in row_hashes]
    receipts = dict(zip(flat, fetch_receipts(chain.w3, flat), strict=True))
    found = {
        row.id: next(filter(None, (receipts[h] for h in row_hashes)), None)
        for row, row_hashes in zip(asked, hashes, strict=True)
    }
    now = time.time()
    # A count past the nonce and no receipt: the nonce went to another transaction, once a later
    # pass sees the same (a node may count a block's transactions a moment before it serves
    # their receipts: Anvil under load does). Meanwhile the transaction is left as it is.
    suspects = {(row.id, row.tx_hash) for row in asked if found[row.id] is None and mined[row.account] > row.nonce}
    taken = {row_id for row_id, tx_hash in suspects & submitter.nonce_taken_before}
    waiting = {row_id for row_id, _ in suspects} - taken
    submitter.nonce_taken_before = suspects
    # A transaction reorganised out of the chain is re-sent, however long ago it was sent.
    stuck = {row.id for row in asked if _stuck(submitter, settings, row, mined[row.account], now)}
    ask = [row for row in asked if found[row.id] is None and row.id not in taken | waiting | stuck]
    known = {row.id for row, tx in zip(ask, _transactions(chain, ask), strict=True) if tx is not None}
    return {
        row.id: _Seen(
            row.tx_hash, found[row.id], nonce_taken=row.id in taken,
            known=found[row.id] is not None or row.id in taken | waiting | stuck | known, stuck=row.id in stuck,
        )
        for row in asked
    }  # fmt: skip


def _news(row: ChainTx, seen: _Seen) -> bool:
    """Whether the node's answer changes the row or asks for a broadcast (see `_follow`)."""
    return seen.receipt is not None or row.status == "mined" or seen.nonce_taken or seen.stuck or not seen.known


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
    if seen.stuck:
        submitter.replace(row)  # recorded with this transaction, broadcast after it commits
        metrics.TRANSACTIONS.labels("replaced").inc()
        _retarget(db, row)
        return True
    return not seen.known  # unknown to the node (crash before broadcast, node restart): resend


def _transactions(chain: RelayChain, rows: Sequence[ChainTx]) -> list[dict | None]:
    return ask_each(chain.w3, "eth_getTransactionByHash", [[row.tx_hash] for row in rows])


def _settle_batch(db: Session, chain: RelayChain, row: ChainTx, receipt: Receipt) -> None:
    """One UPDATE per outcome, not one per attestation: a batch settles in a few statements."""
    verdict = batch_verdict(chain.ledger.address, receipt)
    confirmed: list[str] = []
    rejected: dict[str, list[str]] = {}
    missing: list[str] = []
    now = time.time()
    for uid_hex, check_out in db.execute(
        select(Attestation.uid, Attestation.check_out).where(Attestation.chain_tx_id == row.id)
    ):
        uid = bytes.fromhex(uid_hex[2:])
        reason = verdict.rejected.get(uid)
        if uid in verdict.accepted or reason is Rejection.ALREADY_ACCEPTED:
            confirmed.append(uid_hex)
            metrics.SUBMIT_LATENCY.observe(max(0.0, now - check_out))
        elif reason is not None:
            rejected.setdefault(reason.code, []).append(uid_hex)
        else:  # not in the receipt at all: cannot happen with this ledger, but never lose it
            missing.append(uid_hex)
    _set(db, confirmed, status="confirmed", tx_hash=row.tx_hash, block_number=row.block_number)
    metrics.CONFIRMED.inc(len(confirmed))
    for code, uids in rejected.items():
        _set(db, uids, status="rejected", rejection=code)
        metrics.REJECTED.labels(code).inc(len(uids))
    for attestation in db.scalars(select(Attestation).where(Attestation.uid.in_(missing))):
        _back_to_outbox(attestation)


def _set(db: Session, uids: list[str], **values: object) -> None:
    if uids:
        db.execute(
            update(Attestation).where(Attestation.uid.in_(uids)).values(**values),
            execution_options={"synchronize_session": False},
        )


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
