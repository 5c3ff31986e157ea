import pytest
from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak
from pydantic import ValidationError

from yilian.relay.verification.face import (
    FaceAssertion,
    FaceAssertionStale,
    FaceScoreTooLow,
    FaceSignatureInvalid,
    FaceVolunteerMismatch,
    FakeFaceProvider,
    check_face,
)

PROVIDER = FakeFaceProvider("0x" + "11" * 32)
IMPOSTOR = FakeFaceProvider("0x" + "22" * 32)
VOLUNTEER = FakeFaceProvider("0x" + "33" * 32).address
OTHER_VOLUNTEER = FakeFaceProvider("0x" + "44" * 32).address
NOW = 1_700_000_000


def _check(assertion: FaceAssertion, **overrides: object) -> None:
    kwargs: dict = {"volunteer": VOLUNTEER, "provider_address": PROVIDER.address, "now": NOW}
    check_face(assertion, **(kwargs | overrides))


def _eip712_digest(assertion: FaceAssertion) -> bytes:
    # Built by hand from the documented format, independently of eth-account's encoder, so a
    # real provider that implements the spec produces signatures the relay accepts.
    domain_type = keccak(text="EIP712Domain(string name,string version)")
    domain = keccak(domain_type + keccak(text="Yilian Face Verification") + keccak(text="1"))
    match_type = keccak(text="FaceMatch(address volunteer,uint64 verifiedAt,uint16 score,bytes32 nonce)")
    struct = keccak(
        match_type
        + encode(
            ["address", "uint64", "uint16", "bytes32"],
            [
                assertion.volunteer,
                assertion.verified_at,
                assertion.score,
                bytes.fromhex(assertion.nonce[2:]),
            ],
        )
    )
    return keccak(b"\x19\x01" + domain + struct)


def test_fake_provider_signs_the_documented_typed_data() -> None:
    assertion = PROVIDER.assert_match(VOLUNTEER, NOW, 9000)
    raw = bytearray(bytes.fromhex(assertion.signature[2:]))
    raw[64] -= 27  # eth-keys wants v in {0, 1}
    signer = keys.Signature(bytes(raw)).recover_public_key_from_msg_hash(_eip712_digest(assertion))
    assert signer.to_checksum_address() == PROVIDER.address


def test_fresh_nonce_per_assertion() -> None:
    first = PROVIDER.assert_match(VOLUNTEER, NOW, 9000)
    assert first.nonce != PROVIDER.assert_match(VOLUNTEER, NOW, 9000).nonce


def test_valid_assertion_passes() -> None:
    _check(PROVIDER.assert_match(VOLUNTEER, NOW - 5, 9500))


def test_addresses_compare_case_insensitively() -> None:
    assertion = PROVIDER.assert_match(VOLUNTEER.lower(), NOW, 9500)
    _check(assertion, provider_address=PROVIDER.address.lower())


def test_signed_by_a_different_key() -> None:
    with pytest.raises(FaceSignatureInvalid) as caught:
        _check(IMPOSTOR.assert_match(VOLUNTEER, NOW, 9500))
    assert caught.value.code == "face_signature_invalid"


@pytest.mark.parametrize(
    "edit",
    [
        {"score": 9999},
        {"verified_at": NOW - 1},
        {"volunteer": OTHER_VOLUNTEER},
        {"nonce": "0x" + "00" * 32},
    ],
)
def test_edited_after_signing(edit: dict) -> None:
    signed = PROVIDER.assert_match(VOLUNTEER, NOW, 8500)
    edited = FaceAssertion(**(signed.model_dump() | edit))
    with pytest.raises(FaceSignatureInvalid):
        _check(edited, volunteer=edited.volunteer)


def test_flipped_recovery_id_recovers_another_address() -> None:
    signed = PROVIDER.assert_match(VOLUNTEER, NOW, 9500)
    flipped = 55 - int(signed.signature[-2:], 16)  # 27 <-> 28
    with pytest.raises(FaceSignatureInvalid):
        _check(signed.model_copy(update={"signature": signed.signature[:-2] + f"{flipped:02x}"}))


def test_invalid_recovery_id_is_rejected_not_crashing() -> None:
    signed = PROVIDER.assert_match(VOLUNTEER, NOW, 9500)
    with pytest.raises(FaceSignatureInvalid):
        _check(signed.model_copy(update={"signature": signed.signature[:-2] + "1e"}))


def test_zero_signature_is_rejected() -> None:
    signed = PROVIDER.assert_match(VOLUNTEER, NOW, 9500)
    with pytest.raises(FaceSignatureInvalid):
        _check(signed.model_copy(update={"signature": "0x" + "00" * 64 + "1b"}))


def test_signature_is_checked_before_content() -> None:
    forged = IMPOSTOR.assert_match(OTHER_VOLUNTEER, NOW - 3600, 0)
    with pytest.raises(FaceSignatureInvalid):
        _check(forged)


def test_volunteer_mismatch() -> None:
    with pytest.raises(FaceVolunteerMismatch) as caught:
        _check(PROVIDER.assert_match(OTHER_VOLUNTEER, NOW, 9500))
    assert caught.value.code == "face_volunteer_mismatch"


def test_stale_edges() -> None:
    _check(PROVIDER.assert_match(VOLUNTEER, NOW - 120, 9500))
    with pytest.raises(FaceAssertionStale, match="older") as caught:
        _check(PROVIDER.assert_match(VOLUNTEER, NOW - 121, 9500))
    assert caught.value.code == "face_assertion_stale"


def test_future_edges() -> None:
    _check(PROVIDER.assert_match(VOLUNTEER, NOW + 10, 9500))
    with pytest.raises(FaceAssertionStale, match="future"):
        _check(PROVIDER.assert_match(VOLUNTEER, NOW + 11, 9500))


def test_custom_age_and_skew() -> None:
    with pytest.raises(FaceAssertionStale):
        _check(PROVIDER.assert_match(VOLUNTEER, NOW - 31, 9500), max_age_s=30)
    with pytest.raises(FaceAssertionStale):
        _check(PROVIDER.assert_match(VOLUNTEER, NOW + 1, 9500), future_skew_s=0)


def test_score_edges() -> None:
    _check(PROVIDER.assert_match(VOLUNTEER, NOW, 8000))
    with pytest.raises(FaceScoreTooLow) as caught:
        _check(PROVIDER.assert_match(VOLUNTEER, NOW, 7999))
    assert caught.value.code == "face_score_too_low"
    with pytest.raises(FaceScoreTooLow):
        _check(PROVIDER.assert_match(VOLUNTEER, NOW, 9000), min_score=9001)


@pytest.mark.parametrize(
    "edit",
    [
        {"score": 10_001},
        {"score": -1},
        {"verified_at": 2**64},
        {"verified_at": "1700000000"},
        {"nonce": "0x" + "00" * 31},
        {"signature": "0x" + "00" * 64},
        {"signature": "00" * 65},
        {"volunteer": "0x1234"},
        {"extra": 1},
    ],
)
def test_malformed_assertions_fail_model_validation(edit: dict) -> None:
    good = PROVIDER.assert_match(VOLUNTEER, NOW, 9000).model_dump()
    with pytest.raises(ValidationError):
        FaceAssertion(**(good | edit))


def test_assertion_parses_from_json() -> None:
    signed = PROVIDER.assert_match(VOLUNTEER, NOW, 9000)
    assert FaceAssertion.model_validate_json(signed.model_dump_json()) == signed
