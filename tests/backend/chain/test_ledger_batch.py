"""The hand-written batch protocol matches the compiled HourLedger: the attestBatch selector and
the two events' topics and layout come out of its ABI, the calldata is web3's encoding, and the
batch signature is eth-account's over the HourBatch typed data."""

import os
import random

from eth_abi import abi
from eth_utils import event_abi_to_log_topic, function_abi_to_4byte_selector, get_abi_input_types, to_checksum_address
from web3 import Web3

from yilian.chain.artifacts import load_artifact
from yilian.chain.eip712 import FastSigner, HourAttestation, HourBatch, ledger_domain, sign_typed
from yilian.chain.ledger_batch import (
    ATTEST_BATCH,
    ATTEST_BATCH_SELECTOR,
    ATTESTATION_REJECTED_TOPIC,
    HOURS_ATTESTED_TOPIC,
    encode_attest_batch,
    items_hash,
    sign_batch,
)

ABI = load_artifact("HourLedger").abi


def _entry(kind: str, name: str) -> dict:
    (entry,) = [e for e in ABI if e["type"] == kind and e.get("name") == name]
    return entry


def test_selector_and_topics_are_the_compiled_ledgers() -> None:
    attest_batch = _entry("function", "attestBatch")
    assert function_abi_to_4byte_selector(attest_batch) == ATTEST_BATCH_SELECTOR
    assert f"attestBatch({','.join(get_abi_input_types(attest_batch))})" == ATTEST_BATCH
    assert event_abi_to_log_topic(_entry("event", "HoursAttested")) == HOURS_ATTESTED_TOPIC
    assert event_abi_to_log_topic(_entry("event", "AttestationRejected")) == ATTESTATION_REJECTED_TOPIC


def test_the_uid_is_the_first_indexed_input_and_the_reason_the_only_data_word() -> None:
    for name in ("HoursAttested", "AttestationRejected"):
        first = _entry("event", name)["inputs"][0]
        assert (first["name"], first["type"], first["indexed"]) == ("uid", "bytes32", True)
    data = [i for i in _entry("event", "AttestationRejected")["inputs"] if not i["indexed"]]
    assert [(i["name"], i["internalType"]) for i in data] == [("reason", "enum IHourLedger.Rejection")]


def _random_item(rng: random.Random) -> HourAttestation:
    check_in = rng.randrange(1_600_000_000, 2**40 - 100_000)
    return HourAttestation(
        volunteer=to_checksum_address(os.urandom(20)),
        activity_id=rng.randrange(1, 2**64),
        session=rng.randrange(16),
        check_in=check_in,
        check_out=check_in + rng.randrange(60, 36_000),
        service_minutes=rng.randrange(1, 601),
        evidence_hash=os.urandom(32),
    )


def _fields(a: HourAttestation) -> tuple:
    return (a.volunteer, a.activity_id, a.session, a.check_in, a.check_out, a.service_minutes, a.evidence_hash)


def test_batch_calldata_is_web3s_encoding() -> None:
    rng = random.Random(50)
    ledger = Web3().eth.contract(address=to_checksum_address("0x" + "5f" * 20), abi=ABI)
    domain = ledger_domain(1337, ledger.address)
    signer = FastSigner(os.urandom(32))
    for size in (0, 1, 2, 50, 150):
        items = [_random_item(rng) for _ in range(size)]
        batch = sign_batch(signer, items, domain)
        generic = [[_fields(a) for a in items], signer.address, batch.r, batch.vs]
        assert encode_attest_batch(batch) == ledger.encode_abi("attestBatch", args=generic)


def test_items_hash_is_the_abi_encoding_of_the_items_and_the_signature_eth_accounts() -> None:
    rng = random.Random(712)
    key = os.urandom(32)
    domain = ledger_domain(1337, "0x" + "5f" * 20)
    for size in (0, 1, 7):
        items = [_random_item(rng) for _ in range(size)]
        encoded = abi.encode(["(address,uint64,uint16,uint40,uint40,uint32,bytes32)[]"], [[_fields(a) for a in items]])
        assert items_hash(items) == Web3.keccak(encoded)
        batch = sign_batch(FastSigner(key), items, domain)
        reference = sign_typed(key, HourBatch(items_hash(items)).typed_data(domain)).compact()
        assert (batch.r, batch.vs) == reference
