"""EIP-712 types of the Yilian contracts: domains, structs, digests and signatures.

Two paths that the tests hold byte-identical:
- reference: `typed_data()` + `sign_typed()` go through eth-account, as a wallet would;
- fast: `struct_hash()`, `digest()` and `FastSigner` concatenate 32-byte words by hand and
  sign with coincurve, for the relay that signs every check-out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from coincurve import PrivateKey, PublicKey
from Crypto.Hash import keccak as _keccak
from eth_account import Account
from eth_utils import to_checksum_address

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_HALF_N = SECP256K1_N // 2
_S_MASK = (1 << 255) - 1

Fields = tuple[tuple[str, str], ...]


def keccak256(data: bytes) -> bytes:
    # pycryptodome directly: faster than eth_utils.keccak, which dispatches through eth_hash.
    return _keccak.new(data=data, digest_bits=256).digest()


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _address_word(address: str) -> bytes:
    # `address` is already a validated 0x-prefixed checksum address.
    return bytes(12) + bytes.fromhex(address[2:])


def _encode_type(name: str, struct_fields: Fields) -> str:
    return f"{name}(" + ",".join(f"{type_} {field_}" for field_, type_ in struct_fields) + ")"


def _check_uint(name: str, value: object, bits: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise ValueError(f"{name} must be a uint{bits}, got {value!r}")
    return value


_HEX = frozenset("0123456789abcdef")


@functools.lru_cache(maxsize=1 << 16)
def _checksummed(address: Any) -> str:
    """EIP-55, as eth_utils' to_checksum_address but ~3 times faster on a hex string (the relay
    builds a struct per attestation it signs or batches); the same volunteers recur: cached."""
    if not isinstance(address, str):
        return to_checksum_address(address)
    hex_ = address.lower().removeprefix("0x")
    if len(hex_) != 40 or not _HEX.issuperset(hex_):
        raise ValueError(f"Unknown format {address!r}, attempted to normalize to {hex_!r}")
    digest = keccak256(hex_.encode()).hex()
    return "0x" + "".join(c.upper() if d in "89abcdef" else c for c, d in zip(hex_, digest, strict=False))


def _checked(name: str, type_: str, value: Any) -> Any:
    """Validates a field against its Solidity type; addresses come back checksummed."""
    if type_ == "address":
        return _checksummed(value)
    if type_ == "bytes32":
        if not isinstance(value, bytes) or len(value) != 32:
            raise ValueError(f"{name} must be 32 bytes, got {value!r}")
        return value
    return _check_uint(name, value, int(type_.removeprefix("uint")))


def _to_json(type_: str, value: Any) -> Any:
    if type_ == "bytes32":
        return "0x" + value.hex()
    # JSON numbers are exact only up to 2**53 in JavaScript wallets: wider integers travel as
    # decimal strings, which eth-account, ethers and MetaMask all accept for uint fields.
    if type_.startswith("uint") and int(type_.removeprefix("uint")) > 53:
        return str(value)
    return value


# --- Domains ---------------------------------------------------------------------------------

DOMAIN_FIELDS: Fields = (
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
)
_DOMAIN_TYPEHASH = keccak256(_encode_type("EIP712Domain", DOMAIN_FIELDS).encode())


@dataclass(frozen=True, slots=True)
class Eip712Domain:
    name: str
    version: str
    chain_id: int
    verifying_contract: str
    _separator: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_uint("chain_id", self.chain_id, 256)
        contract = to_checksum_address(self.verifying_contract)
        object.__setattr__(self, "verifying_contract", contract)
        separator = keccak256(
            _DOMAIN_TYPEHASH
            + keccak256(self.name.encode())
            + keccak256(self.version.encode())
            + _word(self.chain_id)
            + _address_word(contract)
        )
        object.__setattr__(self, "_separator", separator)

    @property
    def separator(self) -> bytes:
        return self._separator

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.verifying_contract,
        }


def ledger_domain(chain_id: int, verifying_contract: str) -> Eip712Domain:
    return Eip712Domain("Yilian HourLedger", "1", chain_id, verifying_contract)


def alliance_domain(chain_id: int, verifying_contract: str) -> Eip712Domain:
    return Eip712Domain("Yilian MerchantAlliance", "1", chain_id, verifying_contract)


# --- Structs ---------------------------------------------------------------------------------


class _Struct:
    """Shared EIP-712 behaviour; subclasses are dataclasses whose fields follow `FIELDS`."""

    __slots__ = ()
    NAME: ClassVar[str]
    # Solidity (name, type) pairs, matched to the dataclass fields by position.
    FIELDS: ClassVar[Fields]

    def __post_init__(self) -> None:
        for attr, (name, type_) in zip(fields(self), self.FIELDS, strict=True):  # type: ignore[arg-type]
            object.__setattr__(self, attr.name, _checked(name, type_, getattr(self, attr.name)))

    def struct_hash(self) -> bytes:
        raise NotImplementedError

    def digest(self, domain: Eip712Domain) -> bytes:
        return keccak256(b"\x19\x01" + domain.separator + self.struct_hash())

    def typed_data(self, domain: Eip712Domain) -> dict[str, Any]:
        """The full EIP-712 message for eth-account's `encode_typed_data(full_message=...)`."""
        attrs = fields(self)  # type: ignore[arg-type]
        return {
            "types": {
                "EIP712Domain": [{"name": n, "type": t} for n, t in DOMAIN_FIELDS],
                self.NAME: [{"name": n, "type": t} for n, t in self.FIELDS],
            },
            "primaryType": self.NAME,
            "domain": domain.as_dict(),
            "message": {
                name: _to_json(type_, getattr(self, attr.name))
                for attr, (name, type_) in zip(attrs, self.FIELDS, strict=True)
            },
        }


HOUR_ATTESTATION_FIELDS: Fields = (
    ("volunteer", "address"),
    ("activityId", "uint64"),
    ("session", "uint16"),
    ("checkIn", "uint40"),
    ("checkOut", "uint40"),
    ("serviceMinutes", "uint32"),
    ("evidenceHash", "bytes32"),
)
HOUR_ATTESTATION_TYPE = _encode_type("HourAttestation", HOUR_ATTESTATION_FIELDS)
_HOUR_ATTESTATION_TYPEHASH = keccak256(HOUR_ATTESTATION_TYPE.encode())

HOUR_BATCH_FIELDS: Fields = (("itemsHash", "bytes32"),)
HOUR_BATCH_TYPE = _encode_type("HourBatch", HOUR_BATCH_FIELDS)
_HOUR_BATCH_TYPEHASH = keccak256(HOUR_BATCH_TYPE.encode())

REDEMPTION_VOUCHER_FIELDS: Fields = (
    ("volunteer", "address"),
    ("offerId", "uint64"),
    ("quantity", "uint32"),
    ("maxAmount", "uint256"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
)
REDEMPTION_VOUCHER_TYPE = _encode_type("RedemptionVoucher", REDEMPTION_VOUCHER_FIELDS)
_REDEMPTION_VOUCHER_TYPEHASH = keccak256(REDEMPTION_VOUCHER_TYPE.encode())


@dataclass(frozen=True, slots=True)
class HourAttestation(_Struct):
    NAME: ClassVar[str] = "HourAttestation"
    FIELDS: ClassVar[Fields] = HOUR_ATTESTATION_FIELDS

    volunteer: str
    activity_id: int
    session: int
    check_in: int
    check_out: int
    service_minutes: int
    evidence_hash: bytes

    def struct_hash(self) -> bytes:
        return keccak256(
            _HOUR_ATTESTATION_TYPEHASH
            + _address_word(self.volunteer)
            + _word(self.activity_id)
            + _word(self.session)
            + _word(self.check_in)
            + _word(self.check_out)
            + _word(self.service_minutes)
            + self.evidence_hash
        )


@dataclass(frozen=True, slots=True)
class HourBatch(_Struct):
    """What an organisation's attester signs for a whole batch: `itemsHash` is
    keccak256(abi.encode(items)) of the batch's HourAttestation[] (`ledger_batch.items_hash`)."""

    NAME: ClassVar[str] = "HourBatch"
    FIELDS: ClassVar[Fields] = HOUR_BATCH_FIELDS

    items_hash: bytes

    def struct_hash(self) -> bytes:
        return keccak256(_HOUR_BATCH_TYPEHASH + self.items_hash)


@dataclass(frozen=True, slots=True)
class RedemptionVoucher(_Struct):
    NAME: ClassVar[str] = "RedemptionVoucher"
    FIELDS: ClassVar[Fields] = REDEMPTION_VOUCHER_FIELDS

    volunteer: str
    offer_id: int
    quantity: int
    max_amount: int
    nonce: int
    deadline: int

    def struct_hash(self) -> bytes:
        return keccak256(
            _REDEMPTION_VOUCHER_TYPEHASH
            + _address_word(self.volunteer)
            + _word(self.offer_id)
            + _word(self.quantity)
            + _word(self.max_amount)
            + _word(self.nonce)
            + _word(self.deadline)
        )


def uid(volunteer: str, activity_id: int, session: int) -> bytes:
    """The contract's `uidOf`: keccak256(abi.encode(volunteer, activityId, session))."""
    return keccak256(
        _address_word(to_checksum_address(volunteer))
        + _word(_check_uint("activity_id", activity_id, 64))
        + _word(_check_uint("session", session, 16))
    )


# --- Signatures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    r: int
    s: int
    v: int  # 27 or 28

    def __post_init__(self) -> None:
        if self.v not in (27, 28):
            raise ValueError(f"v must be 27 or 28, got {self.v}")
        if not 0 < self.r < SECP256K1_N:
            raise ValueError("r out of range")
        # OpenZeppelin's ECDSA rejects high s, and EIP-2098 has no bit to spare for it.
        if not 0 < self.s <= _HALF_N:
            raise ValueError("s must be in the lower half of the curve order")

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """Parses r‖s‖v; v may be 27/28 or a bare recovery id 0/1."""
        if len(data) != 65:
            raise ValueError(f"signature must be 65 bytes, got {len(data)}")
        v = data[64]
        return cls(
            int.from_bytes(data[:32], "big"),
            int.from_bytes(data[32:64], "big"),
            v + 27 if v < 2 else v,
        )

    @classmethod
    def from_compact(cls, r: bytes, vs: bytes) -> Signature:
        vs_int = int.from_bytes(vs, "big")
        return cls(int.from_bytes(r, "big"), vs_int & _S_MASK, 27 + (vs_int >> 255))

    def to_bytes(self) -> bytes:
        return _word(self.r) + _word(self.s) + bytes([self.v])

    def compact(self) -> tuple[bytes, bytes]:
        """EIP-2098 (r, vs): the y-parity goes into the top bit of s."""
        return _word(self.r), _word((self.v - 27) << 255 | self.s)


def _address_of(public_key: PublicKey) -> str:
    return to_checksum_address(keccak256(public_key.format(compressed=False)[1:])[12:])


def recover_signer(digest: bytes, signature: Signature) -> str:
    recoverable = _word(signature.r) + _word(signature.s) + bytes([signature.v - 27])
    return _address_of(PublicKey.from_signature_and_message(recoverable, digest, hasher=None))


def sign_typed(private_key: bytes | str, typed: dict[str, Any]) -> Signature:
    """Reference path: signs a full EIP-712 message through eth-account."""
    signed = Account.sign_typed_data(private_key, full_message=typed)
    return Signature(signed.r, signed.s, signed.v)


def _key_bytes(private_key: bytes | str) -> bytes:
    key = bytes.fromhex(private_key.removeprefix("0x")) if isinstance(private_key, str) else private_key
    if len(key) != 32:
        raise ValueError("private key must be 32 bytes")
    return key


class FastSigner:
    """Signs precomputed digests with coincurve (RFC 6979, low s), skipping eth-account."""

    __slots__ = ("_key", "address")

    def __init__(self, private_key: bytes | str) -> None:
        self._key = PrivateKey(_key_bytes(private_key))
        self.address: str = _address_of(self._key.public_key)

    def sign_digest(self, digest: bytes) -> Signature:
        raw = self._key.sign_recoverable(digest, hasher=None)
        return Signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big"), raw[64] + 27)

    def sign_attestation(self, attestation: HourAttestation, domain: Eip712Domain) -> Signature:
        return self.sign_digest(attestation.digest(domain))
