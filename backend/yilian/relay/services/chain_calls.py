"""Administrative chain calls the API waits for (registrations, organisations, activities).

They share the submitter's nonce sequence with the outbox worker; the worker's tracker follows
them too, so a call whose receipt the API stopped waiting for is still confirmed later.
"""

import contextlib
import time
from collections.abc import Sequence

from eth_typing import ABIElement, HexStr
from sqlalchemy.orm import Session, sessionmaker
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, TransactionNotFound, Web3Exception, Web3ValidationError
from web3.types import TxReceipt

from yilian.chain.contract_output import decode_revert
from yilian.relay.db.models import ChainTx
from yilian.relay.db.session import transaction
from yilian.relay.services.errors import ChainRejected, ChainUnavailable, Unprocessable
from yilian.relay.services.transactions import Submitter

ADMIN_CALL_GAS = 400_000


def record_call(db: Session, submitter: Submitter, kind: str, call: ContractFunction) -> ChainTx:
    try:
        return submitter.record(
            db, kind=kind, to=call.address, data=call._encode_transaction_data(), gas=ADMIN_CALL_GAS
        )
    except Web3ValidationError as error:
        raise Unprocessable("a value does not fit the contract's types", code="invalid_chain_argument") from error
    except (Web3Exception, OSError) as error:
        raise ChainUnavailable(f"the chain is not reachable ({type(error).__name__})") from error


def rejection(error: ContractLogicError, abi: Sequence[ABIElement]) -> ChainRejected:
    """A revert as the API answers it: the custom error's name and values, or web3's text."""
    revert = decode_revert(error, abi)
    if revert is None:
        return ChainRejected(f"the contract refused the call: {error.message or 'no reason given'}")
    values = {key: str(value) for key, value in revert.values.items()}  # uint256 exceeds JSON numbers
    detail = {"loc": [], "code": revert.name, "message": str(revert), "values": values}
    return ChainRejected(f"the contract refused the call: {revert}", details=[detail])


def preflight(submitter: Submitter, call: ContractFunction) -> None:
    """Asks the node before a nonce is spent: a refusal caused by the request's values is the
    client's answer (409 with the custom error), not a transaction that reverts on chain."""
    try:
        call.call({"from": submitter.account.address})
    except Web3ValidationError as error:
        raise Unprocessable("a value does not fit the contract's types", code="invalid_chain_argument") from error
    except ContractLogicError as error:
        raise rejection(error, call.contract_abi) from None
    except (Web3Exception, OSError) as error:
        raise ChainUnavailable(f"the chain is not reachable ({type(error).__name__})") from error


def send_and_wait(
    sessions: sessionmaker[Session], submitter: Submitter, kind: str, call: ContractFunction, timeout_s: float
) -> TxReceipt:
    preflight(submitter, call)
    with transaction(sessions) as db:
        row = record_call(db, submitter, kind, call)
    return broadcast_and_wait(submitter, row, timeout_s)


def broadcast_and_wait(submitter: Submitter, row: ChainTx, timeout_s: float) -> TxReceipt:
    deadline = time.monotonic() + timeout_s
    try:
        submitter.broadcast(row)
        while time.monotonic() < deadline:
            try:
                receipt = submitter.w3.eth.get_transaction_receipt(HexStr(row.tx_hash))
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
