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
from typing import Any, cast

from eth_utils import event_abi_to_log_topic
from hexbytes import HexBytes
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from web3.exceptions import TransactionNotFound, Web3RPCError
from web3.logs import DISCARD
from web3.types import RPCEndpoint, TxReceipt

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


@dataclass(frozen=True)
class _Seen:
    """What the node said about one open transaction, asked outside any database transaction."""

    tx_hash: str  # the row's hash when the node was asked; a replacement since makes this stale
    receipt: TxReceipt | None
    nonce_taken: bool  # no receipt, and the account's mined count had passed the nonce before
    known: bool  # no receipt: whether the node has the transaction (not asked when moot)


def track(sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, settings: Settings) -> int:
    """One pass over the open transactions; returns how many are still open.

    The node is asked first, with no database lock held (on SQLite a write transaction stops
    the API); the answers are applied in one short transaction to the rows still as they were
    when asked; transactions to (re)send go out after it commits."""
    with sessions() as session:
        asked = session.scalars(
            select(ChainTx).where(ChainTx.status.in_(("sent", "mined"))).order_by(ChainTx.nonce)
        ).all()
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
    with transaction(sessions) as session:
        rows = session.scalars(
            select(ChainTx)
            .where(ChainTx.id.in_(list(seen)), ChainTx.status.in_(("sent", "mined")))
            .order_by(ChainTx.nonce)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            answer = seen[row.id]
            if row.tx_hash != answer.tx_hash:
                continue  # replaced since the node was asked: the next pass asks again
            if _follow(session, chain, submitter, settings, row, head, answer):
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
    session: Session, chain: RelayChain, submitter: Submitter, settings: Settings, row: ChainTx, head: int,
    seen: _Seen,
) -> bool:  # fmt: skip
    """Applies what the node said; True when the row's transaction must be (re)broadcast."""
    receipt = seen.receipt
    if receipt is None:
        return _chase(session, submitter, settings, row, seen)
    row.block_number = receipt["blockNumber"]
    row.tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    if head - receipt["blockNumber"] + 1 < chain.confirmations(settings):
        row.status = "mined"
        return False
    if receipt["status"] == 0:
        row.status = "failed"
        metrics.TRANSACTIONS.labels("failed").inc()
        _release(session, row)
        return False
    row.status = "confirmed"
    metrics.TRANSACTIONS.labels("confirmed").inc()
    if row.kind == "attest_batch":
        _settle_batch(session, chain, row, receipt)
    return False


def _chase(session: Session, submitter: Submitter, settings: Settings, row: ChainTx, seen: _Seen) -> bool:
    if row.status == "mined":  # its block left the chain
        row.status, row.block_number, row.sent_at = "sent", None, time.time()
        metrics.TRANSACTIONS.labels("reorganised").inc()
    if seen.nonce_taken:
        row.status = "dropped"  # the nonce went to a transaction we don't know
        metrics.TRANSACTIONS.labels("dropped").inc()
        _release(session, row)
        return False
    if time.time() - row.sent_at > settings.stuck_after_s:
        submitter.replace(row)  # recorded with this transaction, broadcast after it commits
        metrics.TRANSACTIONS.labels("replaced").inc()
        _retarget(session, row)
        return True
    return not seen.known  # unknown to the node (crash before broadcast, node restart): resend


def _node_knows(chain: RelayChain, tx_hash: str) -> bool:
    try:
        chain.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
    except TransactionNotFound:
        return False
    return True


def _find_receipt(chain: RelayChain, row: ChainTx) -> TxReceipt | None:
    for tx_hash in [row.tx_hash, *filter(None, row.earlier_hashes.split(","))]:
        receipt = _receipt(chain, tx_hash)
        if receipt is not None:
            return receipt
    return None


def _receipt(chain: RelayChain, tx_hash: str) -> TxReceipt | None:
    """eth_getTransactionReceipt, decoding only what tracking reads: web3's result formatters
    take five times the call itself for a batch's receipt (two logs per attestation)."""
    response = chain.w3.provider.make_request(RPCEndpoint("eth_getTransactionReceipt"), [tx_hash])
    if "error" in response:
        raise Web3RPCError(str(response["error"]), rpc_response=response)
    raw = response.get("result")
    if not raw or raw.get("blockNumber") is None:
        return None  # unknown, or not mined yet
    if raw.get("status") is None:  # a pre-Byzantium receipt: let web3 make what it can of it
        return chain.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    return cast(TxReceipt, {
        "blockNumber": int(raw["blockNumber"], 16),
        "status": int(raw["status"], 16),
        "transactionHash": HexBytes(raw["transactionHash"]),
        "logs": [
            {"address": log["address"], "topics": [HexBytes(t) for t in log["topics"]], "data": HexBytes(log["data"])}
            for log in raw["logs"]
        ],
        "formatted": False,
    })  # fmt: skip


@dataclass(frozen=True)
class _LedgerTopics:
    attested: bytes  # topic 0 of HoursAttested(bytes32 indexed uid, ...)
    rejected: bytes  # topic 0 of AttestationRejected(bytes32 indexed uid, ..., Rejection reason)


_topics: dict[str, _LedgerTopics | None] = {}  # ledger address → topics, None: decode generically


def _ledger_topics(chain: RelayChain) -> _LedgerTopics | None:
    """The two events' topics, when their layout is the one `_outcomes` reads: the uid the first
    topic after the signature; for a rejection, the reason the only word of data."""
    ledger = chain.ledger
    if ledger.address not in _topics:
        abi: list[Any] = list(ledger.abi)
        events = {e["name"]: e for e in abi if e.get("type") == "event"}
        attested: Any = events.get("HoursAttested")
        rejected: Any = events.get("AttestationRejected")
        readable = (
            attested is not None
            and rejected is not None
            and all(e["inputs"][0]["type"] == "bytes32" and e["inputs"][0]["indexed"] for e in (attested, rejected))
            and [i["type"] for i in rejected["inputs"] if not i["indexed"]] == ["uint8"]
        )
        _topics[ledger.address] = (
            _LedgerTopics(event_abi_to_log_topic(attested), event_abi_to_log_topic(rejected)) if readable else None
        )
    return _topics[ledger.address]


def _outcomes(chain: RelayChain, receipt: TxReceipt) -> tuple[set[bytes], dict[bytes, str]]:
    """uids accepted, and uids rejected with the reason, from the ledger's logs in `receipt`.
    Reads the topics directly; web3's generic event decoding costs ~1 ms per log."""
    topics = _ledger_topics(chain)
    if topics is None:
        if receipt.get("formatted") is False:  # web3's decoder needs the full receipt
            receipt = chain.w3.eth.get_transaction_receipt(receipt["transactionHash"])
        events = chain.ledger.events
        return (
            {bytes(e.args.uid) for e in events.HoursAttested().process_receipt(receipt, errors=DISCARD)},
            {
                bytes(e.args.uid): REJECTIONS[e.args.reason]
                for e in events.AttestationRejected().process_receipt(receipt, errors=DISCARD)
            },
        )
    ledger = chain.ledger.address.lower()
    accepted: set[bytes] = set()
    rejected: dict[bytes, str] = {}
    for log in receipt["logs"]:
        if str(log["address"]).lower() != ledger or len(log["topics"]) < 2:
            continue
        topic, uid = bytes(log["topics"][0]), bytes(log["topics"][1])
        if topic == topics.attested:
            accepted.add(uid)
        elif topic == topics.rejected:
            rejected[uid] = REJECTIONS[int.from_bytes(bytes(log["data"])[:32], "big")]
    return accepted, rejected


def _settle_batch(session: Session, chain: RelayChain, row: ChainTx, receipt: TxReceipt) -> None:
    accepted, rejected = _outcomes(chain, receipt)
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
