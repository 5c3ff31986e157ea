"""The HourLedger's batch protocol: attestBatch calldata and the batch's EIP-712 signature, and
the ledger's verdict on each item read back from the transaction's receipt.

Both by hand, because the relay does them for every batch: eth_abi's generic encoder takes
~220 µs per item against ~1.4 µs here (50 items: 11 ms against 0.07 ms, inside the database
transaction that claims the rows), and web3's event decoding ~1 ms per log (two per item).
tests/backend/chain/test_ledger_batch.py holds the selector and topics against the compiled ABI,
the calldata byte-identical to web3's encoding and the batch digest to eth-account's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from web3 import Web3

from yilian.chain.connection import ask_each
from yilian.chain.eip712 import Eip712Domain, FastSigner, HourAttestation, HourBatch, keccak256
from yilian.chain.protocol import Rejection

# attestBatch(HourAttestation[] items, address attester, bytes32 r, bytes32 vs): the head is the
# items' offset, the attester and the signature; then the array's length and each element's
# seven 32-byte words in order, which are also what the batch signature covers.
ATTEST_BATCH = "attestBatch((address,uint64,uint16,uint40,uint40,uint32,bytes32)[],address,bytes32,bytes32)"
ATTEST_BATCH_SELECTOR = keccak256(ATTEST_BATCH.encode())[:4]
# The uid is the first topic after the event's own; a rejection's reason is its only data word.
HOURS_ATTESTED = "HoursAttested(bytes32,address,uint64,uint16,uint40,uint40,uint32,uint256,bytes32)"
ATTESTATION_REJECTED = "AttestationRejected(bytes32,address,uint64,uint8)"
HOURS_ATTESTED_TOPIC = keccak256(HOURS_ATTESTED.encode())
ATTESTATION_REJECTED_TOPIC = keccak256(ATTESTATION_REJECTED.encode())


@dataclass(frozen=True)
class SignedBatch:
    """A batch's items and their attester's compact signature (r, yParity and s) over them all."""

    items: Sequence[HourAttestation]
    attester: str
    r: bytes
    vs: bytes


@dataclass(frozen=True)
class LogEntry:
    address: str
    topics: list[bytes]
    data: bytes


@dataclass(frozen=True)
class Receipt:
    """What the relay reads of a receipt (web3's full formatting costs five times the call)."""

    block_number: int
    status: int
    transaction_hash: str
    logs: list[LogEntry]


@dataclass(frozen=True)
class BatchVerdict:
    accepted: set[bytes]  # uids of HoursAttested
    rejected: dict[bytes, Rejection]  # uids of AttestationRejected, with the reason


def _items_words(items: Sequence[HourAttestation]) -> bytes:
    """abi.encode(items) without the leading offset word: the length, then the elements."""
    words = [len(items).to_bytes(32, "big")]
    for a in items:
        words += [
            bytes(12) + bytes.fromhex(a.volunteer[2:]),
            a.activity_id.to_bytes(32, "big"),
            a.session.to_bytes(32, "big"),
            a.check_in.to_bytes(32, "big"),
            a.check_out.to_bytes(32, "big"),
            a.service_minutes.to_bytes(32, "big"),
            a.evidence_hash,
        ]
    return b"".join(words)


_ITEMS_OFFSET = (32).to_bytes(32, "big")


def items_hash(items: Sequence[HourAttestation]) -> bytes:
    """The contract's keccak256(abi.encode(items)): what `HourBatch.itemsHash` commits to."""
    return keccak256(_ITEMS_OFFSET + _items_words(items))


def sign_batch(signer: FastSigner, items: Sequence[HourAttestation], domain: Eip712Domain) -> SignedBatch:
    """The attester's one signature over the whole batch, in its order."""
    r, vs = signer.sign_digest(HourBatch(items_hash(items)).digest(domain)).compact()
    return SignedBatch(items, signer.address, r, vs)


def encode_attest_batch(batch: SignedBatch) -> str:
    head = [
        ATTEST_BATCH_SELECTOR,
        (4 * 32).to_bytes(32, "big"),
        bytes(12) + bytes.fromhex(batch.attester[2:]),
        _bytes32(batch.r),
        _bytes32(batch.vs),
    ]
    return "0x" + (b"".join(head) + _items_words(batch.items)).hex()


def _bytes32(value: bytes) -> bytes:
    if len(value) != 32:
        raise ValueError(f"expected 32 bytes, got {value!r}")
    return value


def fetch_receipts(w3: Web3, tx_hashes: Sequence[str]) -> list[Receipt | None]:
    """eth_getTransactionReceipt for each hash, in JSON-RPC batches; None for a transaction
    unknown or not mined."""
    return [_receipt(raw) for raw in ask_each(w3, "eth_getTransactionReceipt", [[h] for h in tx_hashes])]


def _receipt(raw: dict | None) -> Receipt | None:
    if not raw or raw.get("blockNumber") is None:
        return None
    return Receipt(
        block_number=int(raw["blockNumber"], 16),
        status=int(raw["status"], 16),
        transaction_hash=raw["transactionHash"].lower(),
        logs=[
            LogEntry(log["address"], [bytes.fromhex(t[2:]) for t in log["topics"]], bytes.fromhex(log["data"][2:]))
            for log in raw["logs"]
        ],
    )


def batch_verdict(ledger_address: str, receipt: Receipt) -> BatchVerdict:
    """The ledger's HoursAttested and AttestationRejected logs in `receipt`, by uid."""
    ledger = ledger_address.lower()
    verdict = BatchVerdict(set(), {})
    for log in receipt.logs:
        if log.address.lower() != ledger or len(log.topics) < 2:
            continue
        topic, uid = log.topics[0], log.topics[1]
        if topic == HOURS_ATTESTED_TOPIC:
            verdict.accepted.add(uid)
        elif topic == ATTESTATION_REJECTED_TOPIC:
            verdict.rejected[uid] = Rejection(int.from_bytes(log.data[:32], "big"))
    return verdict
