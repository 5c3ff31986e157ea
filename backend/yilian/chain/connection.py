"""Web3 connections to Yilian's chains: ganache/Hardhat locally, PoA chains in production."""

from __future__ import annotations

from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware


def connect(rpc_url: str, *, poa: bool = False, timeout: float = 10) -> Web3:
    """An HTTP JSON-RPC connection; `poa=True` for Besu QBFT / Clique / GoQuorum chains.

    PoA chains put validator data in `extraData` (more than the 32 bytes the Ethereum spec
    allows), which web3's block formatters reject; the PoA middleware must run at layer 0,
    before any other middleware sees the block.
    """
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
    if poa:
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3
