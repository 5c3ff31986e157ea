"""How deep a block must be before what it holds is final, by the chain's consensus engine.

Clique (PoA) forks: a signer may seal one block of any ⌊N/2⌋+1 in a row, so a competing branch
longer than that needs more than half the signers. BFT engines (Besu QBFT, IBFT 2.0) finalise
every block as it is sealed; development chains (ganache, Anvil) have one node and no forks.
"""

from __future__ import annotations

from web3 import Web3
from web3.types import RPCEndpoint

_VANITY, _SEAL, _ADDRESS = 32, 65, 20
_CLIQUE_DIFFICULTIES = (1, 2)  # out of turn, in turn


def clique_signers(w3: Web3) -> int | None:
    """The number of Clique signers named in the genesis block, or None if this is no Clique
    chain. Read raw: without the PoA middleware web3 refuses Clique's 97-byte extraData."""
    genesis = _raw_block(w3, "0x0")
    latest = _raw_block(w3, "latest")
    extra = bytes.fromhex(str(genesis.get("extraData", "0x"))[2:])
    signers, remainder = divmod(len(extra) - _VANITY - _SEAL, _ADDRESS)
    if signers < 1 or remainder or int(str(latest.get("difficulty", "0x0")), 16) not in _CLIQUE_DIFFICULTIES:
        return None
    return signers


def confirmations_for(w3: Web3) -> int:
    """Clique: the block itself and ⌊N/2⌋+1 on top. Otherwise 1, a receipt: right for ganache and
    for BFT chains (set YILIAN_CONFIRMATIONS to say so explicitly for a production chain)."""
    signers = clique_signers(w3)
    return 1 if signers is None else signers // 2 + 2


def _raw_block(w3: Web3, number: str) -> dict:
    response = w3.provider.make_request(RPCEndpoint("eth_getBlockByNumber"), [number, False])
    return response.get("result") or {}
