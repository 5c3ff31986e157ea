"""The submitter account's transactions: one nonce sequence for every relay process.

A transaction is signed and recorded (nonce, raw bytes, hash) in the caller's database
transaction before it is broadcast, so after a crash there is always something to re-send or to
find on chain, and a nonce is never used twice nor skipped.
"""

import json
import time

from eth_account.signers.local import LocalAccount
from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3
from web3.exceptions import Web3RPCError

from yilian.relay.config import Settings
from yilian.relay.db.models import ChainTx, NonceCursor
from yilian.relay.services.fees import Fees, current_fees

# Node answers that mean "this exact transaction, or one with its nonce, is already there".
_ALREADY_THERE = ("already known", "known transaction", "nonce too low", "already imported")


class Submitter:
    def __init__(self, w3: Web3, account: LocalAccount, settings: Settings) -> None:
        self.w3 = w3
        self.account = account
        self.settings = settings

    def record(self, session: Session, *, kind: str, to: str, data: str, gas: int) -> ChainTx:
        """Allocates the next nonce, signs and records the transaction (not yet sent)."""
        nonce = self._allocate_nonce(session)
        fees = current_fees(
            self.w3,
            mode=self.settings.fee_mode,
            priority_fee=self.settings.priority_fee_wei,
            gas_price=self.settings.gas_price_wei,
        )
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
        """Sends the recorded bytes; a node that has them (or their nonce) already is fine."""
        try:
            self.w3.eth.send_raw_transaction(row.raw_tx)
        except Web3RPCError as error:
            if not any(marker in str(error).lower() for marker in _ALREADY_THERE):
                raise

    def replace(self, row: ChainTx) -> None:
        """Re-signs a stuck transaction with the same nonce and a higher fee."""
        call = json.loads(row.call_json)
        fees = Fees.from_json(row.fee_json).bumped()
        row.earlier_hashes = ",".join(filter(None, [row.earlier_hashes, row.tx_hash]))
        row.fee_json = fees.to_json()
        self._sign_into(row, call, fees)
        row.sent_at = time.time()

    def _sign_into(self, row: ChainTx, call: dict, fees: Fees) -> None:
        tx = {
            **call,
            "nonce": row.nonce,
            "chainId": self.w3.eth.chain_id,
            "value": 0,
            **fees.tx_fields(),
        }
        signed = self.account.sign_transaction(tx)
        row.raw_tx = "0x" + signed.raw_transaction.hex()
        row.tx_hash = "0x" + signed.hash.hex()

    def _allocate_nonce(self, session: Session) -> int:
        cursor = session.scalars(
            select(NonceCursor).where(NonceCursor.account == self.account.address).with_for_update()
        ).one_or_none()
        on_chain = self.w3.eth.get_transaction_count(self.account.address, "latest")
        if cursor is None:
            cursor = NonceCursor(account=self.account.address, next_nonce=on_chain)
            session.add(cursor)
        # Someone else used the key (a deployment, an operator): never reuse a mined nonce.
        nonce = max(cursor.next_nonce, on_chain)
        cursor.next_nonce = nonce + 1
        return nonce
