"""The submitter account's transactions: one nonce sequence for every relay process.

A transaction is signed and recorded (nonce, raw bytes, hash) in the caller's database
transaction before it is broadcast, so after a crash there is always something to re-send or to
find on chain, and a nonce is never used twice nor skipped.

What the node must be asked first (fees, the account's mined nonce) can be fetched with
`prepare()` before the database transaction opens, so that no write lock is held across a
JSON-RPC round trip (on SQLite that lock stops every check-in and check-out).
"""

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import cast

from eth_account.signers.local import LocalAccount
from eth_account.types import TransactionDictType
from eth_typing import ChecksumAddress, HexStr
from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3
from web3.exceptions import TransactionNotFound, Web3Exception, Web3RPCError

from yilian.chain.fees import Fees, current_fees
from yilian.relay.config import Settings
from yilian.relay.db.models import ChainTx, NonceCursor

log = logging.getLogger(__name__)

# Node answers that mean "this exact transaction, or one with its nonce, is already there"
# (EthereumJS: "already in the TxPool"; it does not show pooled transactions by hash).
_ALREADY_THERE = ("already known", "known transaction", "nonce too low", "already imported", "already in the txpool")


@dataclass(frozen=True)
class Prepared:
    """The node's answers a transaction needs, fetched before the database transaction."""

    fees: Fees
    mined_nonce: int  # the account's transaction count in the latest block


@dataclass(frozen=True)
class _Outgoing:
    """A recorded transaction to send: plain values, usable from another thread."""

    raw_tx: str
    tx_hash: str
    account: str
    nonce: int


class Submitter:
    def __init__(self, w3: Web3, account: LocalAccount, settings: Settings) -> None:
        self.w3 = w3
        self.account = account
        self.settings = settings
        self._chain_id: int | None = None
        self._outgoing: queue.SimpleQueue[_Outgoing | None] | None = None
        self._queued: set[str] = set()  # hashes waiting in _outgoing
        self._sender: threading.Thread | None = None
        # account → (its mined transaction count, when this process first saw it): tracking's
        # clock for the next nonce, which alone can be stuck.
        self.mined_count_since: dict[str, tuple[int, float]] = {}
        # (row id, hash) of the transactions whose nonce the last tracking pass saw counted
        # without a receipt: taken by another transaction if the next pass sees the same.
        self.nonce_taken_before: set[tuple[int, str]] = set()

    @property
    def chain_id(self) -> int:
        # A connection's chain never changes: ask once, not for every signature.
        if self._chain_id is None:
            self._chain_id = self.w3.eth.chain_id
        return self._chain_id

    def prepare(self) -> Prepared:
        return Prepared(
            fees=current_fees(
                self.w3,
                mode=self.settings.fee_mode,
                priority_fee=self.settings.priority_fee_wei,
                gas_price=self.settings.gas_price_wei,
            ),
            mined_nonce=self.w3.eth.get_transaction_count(self.account.address, "latest"),
        )

    def record(
        self, session: Session, *, kind: str, to: str, data: str, gas: int,
        prepared: Prepared | None = None,
    ) -> ChainTx:  # fmt: skip
        """Allocates the next nonce, signs and records the transaction (not yet sent).
        Without `prepared`, asks the node now (inside the caller's database transaction)."""
        prepared = prepared or self.prepare()
        nonce = self._allocate_nonce(session, prepared.mined_nonce)
        fees = prepared.fees
        call = {"to": to, "data": data, "gas": gas}
        row = ChainTx(
            kind=kind,
            account=self.account.address,
            nonce=nonce,
            call_json=json.dumps(call),
            fee_json=fees.to_json(),
        )
        self._sign_into(row, call, fees)
        session.add(row)
        session.flush()
        return row

    def broadcast(self, row: ChainTx) -> None:
        """Sends the recorded bytes; a node that has them (or their nonce) already is fine.
        In the background (`send_in_background`): queued, sent in order by the sender thread."""
        outgoing = _Outgoing(row.raw_tx, row.tx_hash, row.account, row.nonce)
        if self._outgoing is None:
            self._send(outgoing)
        elif outgoing.tx_hash not in self._queued:
            self._queued.add(outgoing.tx_hash)
            self._outgoing.put(outgoing)

    def send_in_background(self) -> None:
        """From now on broadcasts go out from a thread of their own, in the order recorded, so
        that the worker signs and records the next batch while the node takes this one
        (ganache answers a broadcast only once it has mined it). Nothing depends on a send
        having happened: tracking re-sends whatever the node does not know."""
        self._outgoing = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_queued, name="submitter-broadcasts", daemon=True)
        self._sender.start()

    def stop_background(self, timeout_s: float = 10) -> None:
        if self._outgoing is not None and self._sender is not None:
            self._outgoing.put(None)
            self._sender.join(timeout_s)
        self._outgoing, self._sender = None, None

    def _send_queued(self) -> None:
        outgoing = self._outgoing
        while outgoing is not None and (item := outgoing.get()) is not None:
            try:
                self._send(item)
            except (Web3Exception, OSError) as error:  # the node is away: tracking sends it again
                log.warning("broadcast of nonce %s: %s; left to tracking", item.nonce, type(error).__name__)
            finally:
                self._queued.discard(item.tx_hash)

    def _send(self, outgoing: "_Outgoing") -> None:
        try:
            self.w3.eth.send_raw_transaction(HexStr(outgoing.raw_tx))
        except Web3RPCError as error:
            said_so = any(marker in str(error).lower() for marker in _ALREADY_THERE)
            if not (said_so or self._already_there(outgoing)):
                raise

    def _already_there(self, outgoing: "_Outgoing") -> bool:
        """Asks the node, whose wording varies: ganache 7 answers a resent transaction with
        "transaction underpriced" while it is pooled, "the tx doesn't have the correct nonce"
        once it is mined."""
        try:
            self.w3.eth.get_transaction(HexStr(outgoing.tx_hash))
        except TransactionNotFound:
            # The submitter's own address, stored checksummed.
            return self.w3.eth.get_transaction_count(cast(ChecksumAddress, outgoing.account), "latest") > outgoing.nonce
        return True

    def replace(self, row: ChainTx) -> None:
        """Re-signs a stuck transaction with the same nonce and a higher fee."""
        call = json.loads(row.call_json)
        fees = Fees.from_json(row.fee_json).bumped()
        row.earlier_hashes = ",".join(filter(None, [row.earlier_hashes, row.tx_hash]))
        row.fee_json = fees.to_json()
        self._sign_into(row, call, fees)
        row.sent_at = time.time()

    def _sign_into(self, row: ChainTx, call: dict, fees: Fees) -> None:
        tx: TransactionDictType = {
            **call,
            "nonce": row.nonce,
            "chainId": self.chain_id,
            "value": 0,
            **fees.tx_fields(),
        }
        signed = self.account.sign_transaction(tx)
        row.raw_tx = "0x" + signed.raw_transaction.hex()
        row.tx_hash = "0x" + signed.hash.hex()

    def _allocate_nonce(self, session: Session, on_chain: int) -> int:
        cursor = session.scalars(
            select(NonceCursor).where(NonceCursor.account == self.account.address).with_for_update()
        ).one_or_none()
        if cursor is None:
            cursor = NonceCursor(account=self.account.address, next_nonce=on_chain)
            session.add(cursor)
        # Someone else used the key (a deployment, an operator): never reuse a mined nonce.
        nonce = max(cursor.next_nonce, on_chain)
        cursor.next_nonce = nonce + 1
        return nonce
