"""A Clique proof-of-authority chain the project starts itself, with the EthereumJS client.

Production runs on a permissioned PoA/BFT chain (Besu QBFT: docs/consortium.md); neither Besu nor
geth installs from the registries the project uses, but EthereumJS's client (npm) seals real Clique
blocks: a 97-byte `extraData` carrying the signer's seal, in-turn/out-of-turn difficulty, no
`eth_estimateGas` on pending state, and here zero base fee, so gas is free as on a consortium chain.

One node and one signer: several EthereumJS nodes peer on loopback but fall out of agreement.

    yilian chain --port 8547 --period 2 --data-dir var/poa    # foreground until Ctrl-C
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from yilian.chain.artifacts import PROJECT_ROOT
from yilian.chain.localchain import ACCOUNT_COUNT, BLOCK_GAS_LIMIT, LocalChain, dev_address, dev_private_key

ETHEREUMJS = PROJECT_ROOT / "node_modules" / ".bin" / "ethereumjs"
POA_NETWORK = "yilian-poa"  # the Brownie network and the manifest's name
POA_CHAIN_ID = 1338  # not ganache's 1337: a manifest for one chain must never be used on the other
POA_PORT = 8547
# The signer is a key of the WELL-KNOWN PUBLIC DEVELOPMENT MNEMONIC (see localchain.DEV_MNEMONIC):
# anyone can seal blocks on this chain, as it must be for a local test bed, never for real use.
SIGNER_INDEX = ACCOUNT_COUNT - 1
DEFAULT_PERIOD_S = 2  # QBFT's usual block time; tests use 1 s
STOP_TIMEOUT_S = 5  # the client keeps serving RPC for a long while after SIGTERM
_FORKS_AT_ZERO = (
    "homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock",
    "constantinopleBlock", "petersburgBlock", "istanbulBlock", "berlinBlock", "londonBlock",
)  # fmt: skip
VANITY, SEAL = bytes(32), bytes(65)  # Clique's extraData: vanity, signers (genesis only), seal


def clique_genesis(signers: Sequence[str], *, period_s: int, chain_id: int = POA_CHAIN_ID) -> dict[str, Any]:
    """A geth-format genesis: london from block 0, zero base fee, the development accounts funded.
    Fixed timestamp, so the same settings give the same genesis and a restart finds its chain."""
    signer_bytes = b"".join(bytes.fromhex(signer[2:]) for signer in signers)
    clique = {"period": period_s, "epoch": 30000}
    return {
        "config": {"chainId": chain_id, **dict.fromkeys(_FORKS_AT_ZERO, 0), "clique": clique},
        "nonce": "0x0",
        "timestamp": "0x0",
        "extraData": "0x" + (VANITY + signer_bytes + SEAL).hex(),
        "gasLimit": hex(BLOCK_GAS_LIMIT),
        "difficulty": "0x1",
        "mixHash": "0x" + bytes(32).hex(),
        "coinbase": "0x" + bytes(20).hex(),
        "alloc": {dev_address(i): {"balance": hex(10**24)} for i in range(ACCOUNT_COUNT)},
        "number": "0x0",
        "gasUsed": "0x0",
        "parentHash": "0x" + bytes(32).hex(),
        "baseFeePerGas": "0x0",  # stays 0 while blocks are under half full: free gas
    }  # fmt: skip


def dev_deployer_and_accounts(network: str) -> tuple[str, list[str]] | None:
    """On the project's own PoA chain, whose node holds no accounts: the deployer's key and the
    role accounts of a local run (the public development keys, as on ganache). None elsewhere."""
    if network != POA_NETWORK:
        return None
    return dev_private_key(0), [dev_address(index) for index in range(ACCOUNT_COUNT)]


class PoaChain(LocalChain):
    """The EthereumJS client sealing Clique blocks every `period_s` seconds; keeps its chain in
    `data_dir` (a temporary directory when None) across stop/restart."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        period_s: int = DEFAULT_PERIOD_S,
        data_dir: Path | None = None,
        log_path: Path | None = None,
        startup_timeout: float = 60,
    ) -> None:
        super().__init__(host=host, port=port, log_path=log_path, startup_timeout=startup_timeout)
        self.kind = "ethereumjs"  # type: ignore[assignment]  # for messages only
        self.period_s = period_s
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="yilian-poa-"))
        self.signer = dev_address(SIGNER_INDEX)

    def command(self) -> list[str]:
        return [
            str(ETHEREUMJS),
            "--gethGenesis", str(self.data_dir / "genesis.json"),
            "--dataDir", str(self.data_dir / "node"),
            "--rpc", "--rpcAddr", self.host, "--rpcPort", str(self.port),
            "--mine", "--unlock", str(self.data_dir / "signer.key"),
            "--isSingleNode", "--port", "0",  # no peers: the p2p listener takes any free port
            "--discDns", "false", "--discV4", "false",
            "--no-logFile",  # stdout goes to log_path already
        ]  # fmt: skip

    def start(self) -> PoaChain:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        genesis = clique_genesis([self.signer], period_s=self.period_s)
        (self.data_dir / "genesis.json").write_text(json.dumps(genesis, indent=1))
        key_file = self.data_dir / "signer.key"
        key_file.write_text(dev_private_key(SIGNER_INDEX)[2:])  # the client wants it without 0x
        key_file.chmod(0o600)
        super().start()
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        super().stop(timeout)


def run_foreground(chain: PoaChain) -> None:
    """Runs until SIGINT/SIGTERM, then stops the node."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with chain:
        print(f"Clique PoA chain {POA_CHAIN_ID} (EthereumJS) on {chain.rpc_url}, signer {chain.signer}", flush=True)
        while chain.is_running():
            time.sleep(0.5)
    sys.exit("the PoA node stopped unexpectedly")
