"""The hand-rolled EIP-712 path must match eth-account (and so wallets) byte for byte."""

import re
from pathlib import Path

import pytest
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from yilian.chain.eip712 import (
    HOUR_ATTESTATION_TYPE,
    REDEMPTION_VOUCHER_TYPE,
    SECP256K1_N,
    FastSigner,
    HourAttestation,
    RedemptionVoucher,
    Signature,
    alliance_domain,
    ledger_domain,
    recover_signer,
    sign_typed,
    uid,
)

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
INTERFACES = CONTRACTS / "interfaces"

# eth-account signs in ~1 ms; a few dozen examples cover the encodings without slowing the suite.
fast = settings(max_examples=30, deadline=None, database=None)


def uints(bits: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=(1 << bits) - 1)


addresses = st.binary(min_size=20, max_size=20).map(to_checksum_address)
private_keys = st.integers(min_value=1, max_value=SECP256K1_N - 1).map(lambda k: k.to_bytes(32, "big"))
domains = st.builds(
    lambda make, chain_id, contract: make(chain_id, contract),
    st.sampled_from([ledger_domain, alliance_domain]),
    uints(64),
    addresses,
)
attestations = st.builds(
    HourAttestation,
    volunteer=addresses,
    activity_id=uints(64),
    session=uints(16),
    check_in=uints(40),
    check_out=uints(40),
    service_minutes=uints(32),
    evidence_hash=st.binary(min_size=32, max_size=32),
)
vouchers = st.builds(
    RedemptionVoucher,
    volunteer=addresses,
    offer_id=uints(64),
    quantity=uints(32),
    max_amount=uints(256),
    nonce=uints(256),
    deadline=uints(256),
)


def solidity_type_string(source: str, struct: str) -> str:
    """Rebuilds the EIP-712 type string from the struct as the contract declares it."""
    body = re.search(rf"struct {struct}\s*\{{(.*?)\}}", source, re.S)
    assert body, f"struct {struct} not found"
    members = [re.sub(r"//.*", "", line).strip() for line in body.group(1).split(";")]
    return f"{struct}(" + ",".join(m for m in members if m) + ")"


@pytest.mark.parametrize(
    ("interface", "struct", "expected"),
    [
        ("IHourLedger.sol", "HourAttestation", HOUR_ATTESTATION_TYPE),
        ("IMerchantAlliance.sol", "RedemptionVoucher", REDEMPTION_VOUCHER_TYPE),
    ],
)
def test_type_strings_match_the_solidity_structs(interface: str, struct: str, expected: str):
    source = (INTERFACES / interface).read_text()
    assert solidity_type_string(source, struct) == expected


@pytest.mark.parametrize(
    ("contract", "make_domain", "type_string"),
    [
        ("HourLedger.sol", ledger_domain, HOUR_ATTESTATION_TYPE),
        ("MerchantAlliance.sol", alliance_domain, REDEMPTION_VOUCHER_TYPE),
    ],
)
def test_contracts_hash_the_same_domain_and_type(contract, make_domain, type_string):
    source = (CONTRACTS / contract).read_text()
    domain = make_domain(1, "0x" + "11" * 20)
    assert re.search(r'EIP712\("([^"]*)",\s*"([^"]*)"\)', source).groups() == (
        domain.name,
        domain.version,
    )
    assert f'"{type_string}"' in source  # the literal behind the contract's typehash


def test_domain_names_and_versions():
    contract = to_checksum_address("0x" + "11" * 20)
    assert ledger_domain(1, contract).as_dict() == {
        "name": "Yilian HourLedger",
        "version": "1",
        "chainId": 1,
        "verifyingContract": contract,
    }
    assert alliance_domain(1, contract).name == "Yilian MerchantAlliance"
    assert alliance_domain(1, contract).version == "1"


@fast
@given(attestations | vouchers, domains)
def test_hashes_match_eth_account(struct, domain):
    signable = encode_typed_data(full_message=struct.typed_data(domain))
    assert domain.separator == signable.header
    assert struct.struct_hash() == signable.body
    assert struct.digest(domain) == keccak(b"\x19\x01" + signable.header + signable.body)


@fast
@given(private_keys, attestations, domains)
def test_fast_signer_matches_eth_account(key, attestation, domain):
    signer = FastSigner(key)
    reference = Account.sign_typed_data(key, full_message=attestation.typed_data(domain))

    signature = signer.sign_attestation(attestation, domain)

    assert signature.to_bytes() == bytes(reference.signature)
    assert signature == sign_typed(key, attestation.typed_data(domain))
    assert signature.s <= SECP256K1_N // 2
    assert signer.address == Account.from_key(key).address
    assert recover_signer(attestation.digest(domain), signature) == signer.address


@fast
@given(private_keys, vouchers, domains)
def test_voucher_signature_recovers_like_eth_account(key, voucher, domain):
    signature = FastSigner(key).sign_digest(voucher.digest(domain))
    signable = encode_typed_data(full_message=voucher.typed_data(domain))

    assert Account.recover_message(signable, signature=signature.to_bytes()) == (Account.from_key(key).address)


@fast
@given(private_keys, attestations, uints(64), addresses)
def test_signature_is_bound_to_chain_and_contract(key, attestation, chain_id, contract):
    other_contract = to_checksum_address(f"{int(contract, 16) ^ 1:040x}")
    signer = FastSigner(key)
    signature = signer.sign_attestation(attestation, ledger_domain(chain_id, contract))

    for domain in (
        ledger_domain(chain_id ^ 1, contract),
        ledger_domain(chain_id, other_contract),
        alliance_domain(chain_id, contract),
    ):
        assert recover_signer(attestation.digest(domain), signature) != signer.address


@fast
@given(private_keys, st.binary(min_size=32, max_size=32))
def test_compact_and_bytes_round_trip(key, digest):
    signature = FastSigner(key).sign_digest(digest)
    r, vs = signature.compact()

    assert len(r) == len(vs) == 32
    assert Signature.from_compact(r, vs) == signature
    assert Signature.from_bytes(signature.to_bytes()) == signature
    assert (vs[0] >> 7) == signature.v - 27


def test_high_s_signatures_are_rejected():
    signature = FastSigner(b"\x01" * 32).sign_digest(b"\x02" * 32)
    with pytest.raises(ValueError, match="lower half"):
        Signature(signature.r, SECP256K1_N - signature.s, signature.v)


@fast
@given(addresses, uints(64), uints(16))
def test_uid_matches_abi_encode(volunteer, activity_id, session):
    expected = keccak(encode(["address", "uint64", "uint16"], [volunteer, activity_id, session]))
    assert uid(volunteer, activity_id, session) == expected
    assert uid(volunteer.lower(), activity_id, session) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        {"activity_id": 1 << 64},
        {"session": -1},
        {"evidence_hash": b"\x00" * 31},
        {"volunteer": "0x12"},
    ],
)
def test_out_of_range_fields_are_rejected(overrides):
    fields = dict(
        volunteer="0x" + "22" * 20,
        activity_id=1,
        session=0,
        check_in=1,
        check_out=2,
        service_minutes=1,
        evidence_hash=bytes(32),
    )
    with pytest.raises(ValueError, match=r"must be|Unknown format"):
        HourAttestation(**(fields | overrides))
