"""Face-verification assertion from the identity provider.

The relay never sees or stores a face. The provider matches the volunteer's face and returns a
signed statement "this person matched volunteer X at time T with score S": EIP-712 typed data
``FaceMatch(address volunteer,uint64 verifiedAt,uint16 score,bytes32 nonce)`` under the domain
{name: "Yilian Face Verification", version: "1"}, signed with the provider's secp256k1 key. The
domain has no chainId or verifyingContract: the statement is about a person, not any chain.

The relay is configured with the provider's *address* and checks every assertion against it.
There is no flag to skip this check: development and the README walkthrough use
``FakeFaceProvider``, which signs exactly like the real provider with a real key, and its
address is what gets configured.
"""

import secrets
from typing import Annotated

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_keys.exceptions import BadSignature
from eth_utils import is_address
from eth_utils.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field

from yilian.chain.eip712 import Signature, keccak256, recover_signer
from yilian.relay.verification.errors import CheckInRejected

FACE_DOMAIN = {"name": "Yilian Face Verification", "version": "1"}
FACE_MATCH_TYPES = {
    "FaceMatch": [
        {"name": "volunteer", "type": "address"},
        {"name": "verifiedAt", "type": "uint64"},
        {"name": "score", "type": "uint16"},
        {"name": "nonce", "type": "bytes32"},
    ]
}
MAX_SCORE = 10_000  # basis points

Address = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$")]
Bytes32Hex = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{64}$")]
SignatureHex = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{130}$")]


class FaceSignatureInvalid(CheckInRejected):
    code = "face_signature_invalid"


class FaceVolunteerMismatch(CheckInRejected):
    code = "face_volunteer_mismatch"


class FaceAssertionStale(CheckInRejected):
    code = "face_assertion_stale"


class FaceScoreTooLow(CheckInRejected):
    code = "face_score_too_low"


class FaceAssertion(BaseModel):
    """The provider's signed statement, as the volunteer's app forwards it to the relay.

    Shape errors (bad hex, score out of 0..10000) fail model validation, which the API answers
    with its usual 422; ``check_face`` handles everything that needs the signature.
    """

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    volunteer: Address
    verified_at: int = Field(ge=0, le=2**64 - 1)
    score: int = Field(ge=0, le=MAX_SCORE)
    nonce: Bytes32Hex
    signature: SignatureHex


def _signable(volunteer: str, verified_at: int, score: int, nonce: str) -> SignableMessage:
    # The one place the typed data is built, so the fake provider and the check cannot diverge.
    message = {
        "volunteer": volunteer,
        "verifiedAt": verified_at,
        "score": score,
        "nonce": bytes.fromhex(nonce[2:]),
    }
    return encode_typed_data(domain_data=FACE_DOMAIN, message_types=FACE_MATCH_TYPES, message_data=message)


# The same typed data hashed by hand, for the check every check-in makes (eth-account's generic
# encoder costs about as much as the rest of a check-in); tests/backend/relay/test_fast_signing.py
# holds the two paths to the same answers.
_FACE_SEPARATOR = keccak256(
    keccak256(b"EIP712Domain(string name,string version)")
    + keccak256(FACE_DOMAIN["name"].encode())
    + keccak256(FACE_DOMAIN["version"].encode())
)
_FACE_MATCH_TYPEHASH = keccak256(b"FaceMatch(address volunteer,uint64 verifiedAt,uint16 score,bytes32 nonce)")


def face_digest(volunteer: str, verified_at: int, score: int, nonce: str) -> bytes:
    """The EIP-712 digest of a FaceMatch (`volunteer` a valid address, the rest in range)."""
    struct_hash = keccak256(
        _FACE_MATCH_TYPEHASH
        + bytes(12)
        + bytes.fromhex(volunteer[2:])
        + verified_at.to_bytes(32, "big")
        + score.to_bytes(32, "big")
        + bytes.fromhex(nonce[2:])
    )
    return keccak256(b"\x19\x01" + _FACE_SEPARATOR + struct_hash)


def _recover_signer(assertion: FaceAssertion) -> str | None:
    """The assertion's signer: hashed by hand and recovered with coincurve for the usual
    signature (v 27/28, low s); anything else takes eth-account's path, which decides."""
    signature = bytes.fromhex(assertion.signature[2:])
    if signature[64] in (27, 28) and is_address(assertion.volunteer):
        try:
            parsed = Signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
            )
            digest = face_digest(assertion.volunteer, assertion.verified_at, assertion.score, assertion.nonce)
            return recover_signer(digest, parsed)
        except ValueError:  # out-of-range r or s, high s, no point: the reference path decides
            pass
    return _recover_signer_reference(assertion)


def _recover_signer_reference(assertion: FaceAssertion) -> str | None:
    signable = _signable(assertion.volunteer, assertion.verified_at, assertion.score, assertion.nonce)
    try:
        return Account.recover_message(signable, signature=bytes.fromhex(assertion.signature[2:]))
    except (ValueError, BadSignature, ValidationError):  # bad v, r or s: no key recovers
        return None


def check_face(
    assertion: FaceAssertion,
    *,
    volunteer: str,
    provider_address: str,
    now: int,
    max_age_s: int = 120,
    min_score: int = 8000,
    future_skew_s: int = 10,
) -> None:
    """Accept an assertion signed by ``provider_address`` for ``volunteer``, fresh and confident.

    The signature is checked first so nothing about unauthenticated content is revealed. Replay
    within ``max_age_s`` is the caller's to stop: record ``assertion.nonce`` (not the signature,
    which is malleable) and refuse a nonce already used.
    """
    signer = _recover_signer(assertion)
    if signer is None or signer.lower() != provider_address.lower():
        raise FaceSignatureInvalid("face assertion is not signed by the configured provider")
    if assertion.volunteer.lower() != volunteer.lower():
        raise FaceVolunteerMismatch("face assertion is for a different volunteer")
    if assertion.verified_at > now + future_skew_s:
        raise FaceAssertionStale("face assertion is dated in the future; check the clock")
    if now - assertion.verified_at > max_age_s:
        raise FaceAssertionStale(f"face assertion is older than {max_age_s} s; verify again")
    if assertion.score < min_score:
        raise FaceScoreTooLow(f"face match score {assertion.score} is below the required {min_score}")


class FakeFaceProvider:
    """Test and development double for the identity provider.

    It signs exactly like the real provider (same typed data, a real secp256k1 key), so the
    relay verifies its assertions with the same code path; configure ``address`` as the
    provider address.
    """

    def __init__(self, private_key: str | bytes) -> None:
        self._account = Account.from_key(private_key)
        self.address: str = self._account.address

    def assert_match(self, volunteer: str, verified_at: int, score: int, nonce: str | None = None) -> FaceAssertion:
        """Sign "``volunteer`` matched at ``verified_at`` with ``score``", with a fresh nonce or
        the one the app asked for (a voucher confirmation commits to its terms that way)."""
        nonce = nonce or "0x" + secrets.token_hex(32)
        signed = self._account.sign_message(_signable(volunteer, verified_at, score, nonce))
        return FaceAssertion(
            volunteer=volunteer,
            verified_at=verified_at,
            score=score,
            nonce=nonce,
            signature="0x" + bytes(signed.signature).hex(),
        )
