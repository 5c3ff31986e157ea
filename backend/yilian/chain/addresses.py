"""The one check of an Ethereum address typed by a person or sent by an app."""

from eth_utils import is_checksum_address, is_checksum_formatted_address, to_checksum_address
from web3 import Web3

from yilian.errors import Unprocessable


class InvalidAddress(Unprocessable):
    code = "invalid_address"


def is_usable_address(address: str) -> bool:
    """Hex, not the zero address (the contracts refuse it) and, when written in mixed case, with
    a correct EIP-55 checksum: a wrong one is a typo, and web3's is_address no longer checks it."""
    if not Web3.is_address(address):
        return False
    if is_checksum_formatted_address(address) and not is_checksum_address(address):
        return False
    return int(address, 16) != 0


def checked_address(address: str) -> str:
    """`address` checksummed, or InvalidAddress."""
    if not is_usable_address(address):
        raise InvalidAddress(f"{address!r} is not an Ethereum address")
    return to_checksum_address(address)
