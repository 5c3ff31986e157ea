"""Local development chains as subprocesses: ganache (default) or Anvil.

Both run london rules, chain id 1337, the development mnemonic's 20 funded accounts and a 30M
block gas limit, like the project's Brownie networks. Ganache can keep its chain on disk
(`db_path`), so a chain survives `stop()`/`restart()`: outage tests and `make run` rely on that.
Anvil (a native node, many times ganache's rate) keeps its chain in memory: the benchmark chain.

    python -m yilian.chain.localchain --port 8545 --db-path var/chain   # foreground until signal
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from yilian.chain.artifacts import PROJECT_ROOT
from yilian.chain.connection import connect
from yilian.chain.devkeys import DEV_ACCOUNT_COUNT, DEV_MNEMONIC, dev_address, dev_private_key

# The funded development accounts are importable from here too: whoever starts a chain uses them.
__all__ = [
    "BLOCK_GAS_LIMIT", "CHAIN_ID", "LocalChain", "LocalChainError", "dev_address", "dev_private_key", "free_port",
    "port_in_use",
]  # fmt: skip

CHAIN_ID = 1337
BLOCK_GAS_LIMIT = 30_000_000
GANACHE = PROJECT_ROOT / "node_modules" / ".bin" / "ganache"
ANVIL = PROJECT_ROOT / "node_modules" / ".bin" / "anvil"

ChainKind = Literal["ganache", "anvil"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
        return False


class LocalChainError(RuntimeError):
    pass


class LocalChain:
    def __init__(
        self,
        *,
        kind: ChainKind = "ganache",
        host: str = "127.0.0.1",
        port: int | None = None,
        block_time: float | None = None,
        db_path: Path | None = None,
        log_path: Path | None = None,
        startup_timeout: float = 60,
        hardfork: str = "london",
        extra_args: Sequence[str] = (),
    ) -> None:
        """`block_time`: mine every so many seconds (None: a block per transaction).
        `db_path`: ganache keeps the chain there, across stop/restart. The port is kept across
        restarts, so clients' URLs stay valid. `hardfork` and `extra_args` (the node's own
        options) model other chains, e.g. on ganache `hardfork="berlin",
        extra_args=("--miner.defaultGasPrice", "0")`: no base fee and free gas, like a permissioned chain."""
        if kind == "anvil" and db_path is not None:
            raise ValueError("Anvil keeps its chain in memory only: no db_path")
        self.kind = kind
        self.host = host
        self.port = port or free_port(host)
        self.block_time = block_time
        self.db_path = db_path
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.hardfork = hardfork
        self.extra_args = list(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        if self.kind == "anvil":
            return self._anvil_command() + self.extra_args
        args = [
            str(GANACHE),
            "--server.host", self.host,
            "--server.port", str(self.port),
            "--chain.hardfork", self.hardfork,
            "--chain.chainId", str(CHAIN_ID),
            "--wallet.mnemonic", DEV_MNEMONIC,
            "--wallet.totalAccounts", str(DEV_ACCOUNT_COUNT),
            "--miner.blockGasLimit", str(BLOCK_GAS_LIMIT),
        ]  # fmt: skip
        if self.block_time:
            args += ["--miner.blockTime", str(self.block_time)]
        if self.db_path is not None:
            args += ["--database.dbPath", str(self.db_path)]
        return args + self.extra_args

    def _anvil_command(self) -> list[str]:
        args = [
            str(ANVIL),
            "--host", self.host,
            "--port", str(self.port),
            "--hardfork", self.hardfork,
            "--chain-id", str(CHAIN_ID),
            "--mnemonic", DEV_MNEMONIC,
            "--accounts", str(DEV_ACCOUNT_COUNT),
            "--gas-limit", str(BLOCK_GAS_LIMIT),
            # Anvil writes the states of older blocks under ~/.foundry/anvil/tmp and leaves them
            # there when killed: a benchmark's 16,000 blocks filled a disk. Recent ones stay in memory.
            "--max-persisted-states", "0",
        ]  # fmt: skip
        if self.block_time:
            args += ["--block-time", str(self.block_time)]
        return args

    def start(self) -> LocalChain:
        if self.is_running():
            return self
        # Otherwise another node on the port would answer the readiness check for ours.
        if port_in_use(self.host, self.port):
            raise LocalChainError(f"{self.host}:{self.port} is already in use")
        if self.db_path is not None:
            self.db_path.mkdir(parents=True, exist_ok=True)
        # A file, not a pipe: nobody reads the chain's request log, and a full pipe would block it.
        self._log = open(self.log_path, "a+b") if self.log_path else tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own process group: stop() ends the node and any helper process it spawned,
            # and a Ctrl-C meant for the caller does not kill the chain under its cleanup.
            start_new_session=True,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        w3 = connect(self.rpc_url, timeout=2)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                tail = self._log_tail()
                self.stop()
                raise LocalChainError(f"{self.kind} exited while starting:\n{tail}")
            if w3.is_connected():
                return
            time.sleep(0.1)
        tail = self._log_tail()
        self.stop()
        raise LocalChainError(f"{self.kind} did not answer on {self.rpc_url}:\n{tail}")

    def _log_tail(self, size: int = 4000) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(max(0, self._log.seek(0, os.SEEK_END) - size))
        return self._log.read().decode(errors="replace")

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM, so ganache closes its database cleanly; SIGKILL only if it hangs."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            self._signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(process, signal.SIGKILL)
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    @staticmethod
    def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        # The group is the one start() created for this process (its id is the process's).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def restart(self) -> LocalChain:
        self.stop()
        return self.start()

    def __enter__(self) -> LocalChain:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> None:
    """Runs a chain in the foreground until SIGINT/SIGTERM, then stops it cleanly."""
    parser = argparse.ArgumentParser(prog="python -m yilian.chain.localchain")
    parser.add_argument("--kind", choices=["ganache", "anvil"], default="ganache")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8545)
    parser.add_argument("--block-time", type=float)
    parser.add_argument("--db-path", type=Path, help="ganache only: keep the chain here")
    parser.add_argument("--log-path", type=Path, help="the node's own log")
    args = parser.parse_args(argv)
    # SIGTERM (from `make run`'s trap, or a service manager) unwinds like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    chain = LocalChain(
        kind=args.kind,
        host=args.host,
        port=args.port,
        block_time=args.block_time,
        db_path=args.db_path,
        log_path=args.log_path,
    )
    with chain:
        print(f"{args.kind} listening on {chain.rpc_url}", flush=True)
        while chain.is_running():
            time.sleep(0.5)
    sys.exit(f"{args.kind} stopped unexpectedly")


if __name__ == "__main__":
    main()
