"""The certificate document, its hash and the issuer's signature.

The hash is keccak256 of the canonical JSON of `Certificate` (sorted keys, no spaces, UTF-8), the
same canonical form as the check-in evidence. The issuing organisation signs that hash with
EIP-191 (`personal_sign` of the 32 bytes), so any Ethereum wallet or library can check it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from eth_account import Account
from eth_account.messages import encode_defunct
from pydantic import BaseModel, ConfigDict, Field

from yilian.chain.eip712 import keccak256
from yilian.records.evidence import canonical

TITLE = "志愿服务证明"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Verification sends these values to the chain: out-of-range ones are refused on input.
Address = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$")]
Bytes32 = Annotated[str, Field(pattern=r"^0x[0-9a-f]{64}$")]
Uint16 = Annotated[int, Field(ge=0, le=2**16 - 1)]
Uint32 = Annotated[int, Field(ge=0, le=2**32 - 1)]
Uint40 = Annotated[int, Field(ge=0, le=2**40 - 1)]
Uint64 = Annotated[int, Field(ge=0, le=2**64 - 1)]


class Issuer(_Frozen):
    organisation_id: Uint64
    organisation_name: str
    address: Address = Field(description="The key that signs: an organisation key")


class VolunteerIdentity(_Frozen):
    """As the volunteer consented to at registration; none of it is on chain."""

    real_name: str
    id_number_masked: str
    address: Address


class ServiceRecord(_Frozen):
    uid: Bytes32 = Field(description="The attestation's uid on chain")
    activity_id: Uint64
    activity_name: str
    session: Uint16
    date: date  # of the check-in, China Standard Time
    check_in: Uint40
    check_out: Uint40
    minutes: Uint32
    block: int = Field(ge=0, description="The block holding its HoursAttested event")


class ChainReference(_Frozen):
    chain_id: int
    ledger: Address


class Certificate(_Frozen):
    title: Literal["志愿服务证明"] = "志愿服务证明"
    number: str
    issued_at: int
    issued_on: date
    period_from: date
    period_to: date
    issuer: Issuer
    volunteer: VolunteerIdentity
    services: list[ServiceRecord]
    total_sessions: int
    total_minutes: int
    total_hours: str = Field(description="total_minutes / 60, two decimals, rounded down")
    chain: ChainReference


class SignedCertificate(_Frozen):
    certificate: Certificate
    hash: str
    signature: str


def hours_text(minutes: int) -> str:
    """Exact decimal hours, rounded down to two places: 95 minutes → "1.58"."""
    hundredths = minutes * 100 // 60
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def certificate_hash(certificate: Certificate) -> bytes:
    return keccak256(canonical(certificate.model_dump(mode="json")).encode())


def sign(certificate: Certificate, issuer_key: str) -> SignedCertificate:
    digest = certificate_hash(certificate)
    signed = Account.sign_message(encode_defunct(primitive=digest), private_key=issuer_key)
    return SignedCertificate(
        certificate=certificate, hash="0x" + digest.hex(), signature="0x" + bytes(signed.signature).hex()
    )


def signer_of(digest: bytes, signature: str) -> str:
    """The address that signed `digest` (EIP-191); raises ValueError for a malformed signature."""
    try:
        return Account.recover_message(encode_defunct(primitive=digest), signature=signature)
    except Exception as error:  # noqa: BLE001 - eth-account raises several types for bad input
        raise ValueError(f"malformed signature: {error}") from error
