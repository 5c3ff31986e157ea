"""Administrative chain calls the API waits for (registrations, organisations, activities).

They share the submitter's nonce sequence with the outbox worker; the worker's tracker follows
them too, so a call whose receipt the API stopped waiting for is still confirmed later.
"""

import contextlib
import time

from sqlalchemy.orm import Session, sessionmaker
from web3.contract.contract import ContractFunction
from web3.exceptions import TransactionNotFound, Web3Exception
from web3.types import TxReceipt

from yilian.relay.db.models import ChainTx
from yilian.relay.db.session import transaction
from yilian.relay.services.errors import ChainUnavailable
from yilian.relay.services.transactions import Submitter

ADMIN_CALL_GAS = 400_000


def record_call(db: Session, submitter: Submitter, kind: str, call: ContractFunction) -> ChainTx:
    try:
        return submitter.record(
            db, kind=kind, to=call.address, data=call._encode_transaction_data(), gas=ADMIN_CALL_GAS
        )
    except (Web3Exception, OSError) as error:
        raise ChainUnavailable(f"the chain is not reachable ({type(error).__name__})") from error


def send_and_wait(
    sessions: sessionmaker[Session], submitter: Submitter, kind: str, call: ContractFunction, timeout_s: float
) -> TxReceipt:
    with transaction(sessions) as db:
        row = record_call(db, submitter, kind, call)
    return broadcast_and_wait(submitter, row, timeout_s)


def broadcast_and_wait(submitter: Submitter, row: ChainTx, timeout_s: float) -> TxReceipt:
    deadline = time.monotonic() + timeout_s
    try:
        submitter.broadcast(row)
        while time.monotonic() < deadline:
            try:
                receipt = submitter.w3.eth.get_transaction_receipt(row.tx_hash)
            except TransactionNotFound:
                time.sleep(0.1)
                continue
            if receipt["status"] != 1:
                raise ChainUnavailable(f"transaction {row.tx_hash} reverted", code="chain_reverted")
            return receipt
    except (Web3Exception, OSError) as error:
        raise ChainUnavailable(f"the chain is not reachable ({type(error).__name__})") from error
    raise ChainUnavailable(f"transaction {row.tx_hash} not mined within {timeout_s:.0f} s; it is still followed")


def broadcast_recorded(submitter: Submitter, rows: list[ChainTx]) -> None:
    """Best effort, after the recording transaction committed: a recorded transaction that does
    not go out now is re-sent by the worker."""
    for row in rows:
        with contextlib.suppress(Web3Exception, OSError):
            submitter.broadcast(row)
