"""The one address check: hex of the right length, not zero, and a correct checksum when mixed case."""

import pytest
from eth_account import Account

from yilian.chain.addresses import InvalidAddress, checked_address, is_usable_address

ADDRESS = Account.from_key(b"\x11" * 32).address


def test_any_case_of_a_real_address_is_checksummed() -> None:
    assert checked_address(ADDRESS.lower()) == checked_address(ADDRESS.upper().replace("0X", "0x")) == ADDRESS


@pytest.mark.parametrize(
    "address",
    ["0x1234", "not-an-address", "0x" + "g" * 40, "0x" + "0" * 40, ADDRESS[:-1] + ADDRESS[-1].swapcase()],
    ids=["too_short", "not_hex", "not_hex_digits", "zero_address", "bad_checksum"],
)
def test_unusable_addresses_are_refused_with_their_code(address: str) -> None:
    assert not is_usable_address(address)
    with pytest.raises(InvalidAddress) as refused:
        checked_address(address)
    assert refused.value.code == "invalid_address"
