import pytest

from yilian.relay.verification.signin_code import (
    SigninCodeInvalid,
    check_code,
    code_at,
    current_code,
    new_secret,
)

# RFC 6238 appendix B, SHA-256 column (32-byte seed, 8 digits, 30 s period).
RFC_SECRET = b"12345678901234567890123456789012"
RFC_VECTORS = [
    (59, "46119246"),
    (1111111109, "68084774"),
    (1111111111, "67062674"),
    (1234567890, "91819424"),
    (2000000000, "90698825"),
    (20000000000, "77737706"),
]
SECRET = bytes(range(32))
STEP_START = 1_700_000_010  # a multiple of 30: the start of one step


@pytest.mark.parametrize(("t", "expected"), RFC_VECTORS)
def test_rfc6238_sha256_vectors(t: int, expected: str) -> None:
    assert code_at(RFC_SECRET, t, digits=8) == expected


@pytest.mark.parametrize(("t", "expected"), RFC_VECTORS)
def test_six_digit_code_is_the_same_truncation(t: int, expected: str) -> None:
    assert code_at(RFC_SECRET, t) == expected[-6:]


def test_code_is_constant_within_a_step_and_changes_after() -> None:
    assert code_at(SECRET, STEP_START) == code_at(SECRET, STEP_START + 29)
    assert code_at(SECRET, STEP_START) != code_at(SECRET, STEP_START + 30)


def test_current_code_and_when_it_rotates() -> None:
    code, valid_until = current_code(SECRET, STEP_START + 7)
    assert code == code_at(SECRET, STEP_START)
    assert valid_until == STEP_START + 30
    assert current_code(SECRET, STEP_START + 30)[1] == STEP_START + 60


def test_new_secret_is_random_32_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert len(first) == 32
    assert first != second


def test_current_code_is_accepted() -> None:
    check_code(SECRET, code_at(SECRET, STEP_START), STEP_START + 29)


def test_previous_step_accepted_until_end_of_next_step() -> None:
    code = code_at(SECRET, STEP_START)
    check_code(SECRET, code, STEP_START + 59)  # one step late: last second accepted
    with pytest.raises(SigninCodeInvalid) as caught:
        check_code(SECRET, code, STEP_START + 60)  # two steps late
    assert caught.value.code == "signin_code_invalid"


def test_next_step_accepted_for_a_fast_clock() -> None:
    code = code_at(SECRET, STEP_START)
    check_code(SECRET, code, STEP_START - 30)  # one step early
    with pytest.raises(SigninCodeInvalid):
        check_code(SECRET, code, STEP_START - 31)  # two steps early


def test_zero_skew_accepts_only_the_current_step() -> None:
    code = code_at(SECRET, STEP_START)
    check_code(SECRET, code, STEP_START + 29, skew=0)
    with pytest.raises(SigninCodeInvalid):
        check_code(SECRET, code, STEP_START + 30, skew=0)


def test_custom_period() -> None:
    code = code_at(SECRET, 600, period=60)
    check_code(SECRET, code, 719, period=60)
    with pytest.raises(SigninCodeInvalid):
        check_code(SECRET, code, 720, period=60)


def test_near_unix_epoch_window_does_not_go_negative() -> None:
    check_code(SECRET, code_at(SECRET, 0), 5)


def test_code_of_another_activity_is_rejected() -> None:
    other = bytes(reversed(range(32)))
    with pytest.raises(SigninCodeInvalid):
        check_code(SECRET, code_at(other, STEP_START), STEP_START)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", " 23456", "１２３４５６"])
def test_malformed_codes_are_rejected_not_crashing(code: str) -> None:
    with pytest.raises(SigninCodeInvalid, match="6 digits"):
        check_code(SECRET, code, STEP_START)


def test_wrong_code_is_rejected() -> None:
    good = code_at(SECRET, STEP_START)
    wrong = str((int(good) + 1) % 1_000_000).zfill(6)
    with pytest.raises(SigninCodeInvalid, match="wrong or has expired"):
        check_code(SECRET, wrong, STEP_START)


def test_secret_shorter_than_128_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        code_at(b"short", STEP_START)
