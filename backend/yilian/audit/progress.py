"""A scan in progress: the state rebuilt from blocks `from_block`..`last_block`, and its
checkpoint file, so that a re-run (or the relay's statistics cache) continues where it stopped.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yilian.audit.scanner import ChainEvent, EventScanner
from yilian.audit.state import ChainState

CHECKPOINT_VERSION = 2  # 2: owed (lazily minted) points in the state


class ScanError(RuntimeError):
    """The scan cannot go on as asked: a checkpoint from another chain or deployment, a chain
    reorganised below the checkpoint, a range that does not exist."""


@dataclass
class Progress:
    chain_id: int
    contracts: dict[str, str]
    from_block: int
    last_block: int  # from_block - 1 before the first chunk
    last_block_hash: str | None = None  # detects a reorganisation below the checkpoint
    state: ChainState = field(default_factory=ChainState)

    @classmethod
    def begin(cls, scanner: EventScanner, from_block: int | None = None) -> Progress:
        start = scanner.deployment_block if from_block is None else from_block
        return cls(
            chain_id=scanner.manifest.chain_id,
            contracts={name: c.address for name, c in scanner.manifest.contracts.items()},
            from_block=start,
            last_block=start - 1,
        )

    def advance(
        self,
        scanner: EventScanner,
        to_block: int,
        *,
        on_events: Callable[[list[ChainEvent]], None] | None = None,
        on_chunk: Callable[[Progress], None] | None = None,
    ) -> int:
        """Scans up to `to_block`; returns how many events were read."""
        self._check_same_chain(scanner)
        if to_block < self.last_block:
            raise ScanError(f"already scanned to block {self.last_block}, past block {to_block}")
        read = 0
        for stop, events in scanner.chunks(self.last_block + 1, to_block):
            self.state.apply_all(events)
            if on_events is not None:
                on_events(events)
            self.last_block, self.last_block_hash = stop, None
            read += len(events)
            if on_chunk is not None:
                on_chunk(self)
        return read

    def _check_same_chain(self, scanner: EventScanner) -> None:
        manifest = scanner.manifest
        contracts = {name: c.address for name, c in manifest.contracts.items()}
        if (self.chain_id, self.contracts) != (manifest.chain_id, contracts):
            raise ScanError("the checkpoint belongs to another chain or deployment")
        if self.last_block_hash is not None and scanner.block_hash(self.last_block) != self.last_block_hash:
            raise ScanError(
                f"block {self.last_block} is no longer the one the checkpoint saw (a chain "
                "reorganisation): delete the checkpoint and scan again"
            )

    # --- the checkpoint file ------------------------------------------------------------------

    def seal(self, scanner: EventScanner) -> None:
        """Records the hash of the last block read, which the next `advance` checks."""
        if self.last_block_hash is None and self.last_block >= self.from_block:
            self.last_block_hash = scanner.block_hash(self.last_block)

    def save(self, path: Path, scanner: EventScanner) -> None:
        self.seal(scanner)
        self.write(path)

    def write(self, path: Path) -> None:
        """Writes atomically (temporary file, then rename): a crash leaves the old checkpoint."""
        data = {
            "version": CHECKPOINT_VERSION,
            "chain_id": self.chain_id,
            "contracts": self.contracts,
            "from_block": self.from_block,
            "last_block": self.last_block,
            "last_block_hash": self.last_block_hash,
            "state": self.state.to_dict(),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as out:
                # dumps, not dump: only the one-shot encoder runs in C, ten times faster.
                out.write(json.dumps(data, separators=(",", ":")))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: Path) -> Progress:
        data: dict[str, Any] = json.loads(path.read_text())
        if data.get("version") != CHECKPOINT_VERSION:
            raise ScanError(f"{path}: not a version {CHECKPOINT_VERSION} audit checkpoint")
        return cls(
            chain_id=data["chain_id"],
            contracts=data["contracts"],
            from_block=data["from_block"],
            last_block=data["last_block"],
            last_block_hash=data["last_block_hash"],
            state=ChainState.from_dict(data["state"]),
        )


class Checkpointer:
    """Saves the progress after a chunk when `every_s` seconds have passed since the last save:
    a checkpoint of a million attestations takes a moment to write."""

    def __init__(self, path: Path, scanner: EventScanner, every_s: float = 10.0) -> None:
        self.path, self.scanner, self.every_s = path, scanner, every_s
        self._saved_at = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        if time.monotonic() - self._saved_at >= self.every_s:
            self.save(progress)

    def save(self, progress: Progress) -> None:
        progress.save(self.path, self.scanner)
        self._saved_at = time.monotonic()


def scan(
    scanner: EventScanner,
    *,
    from_block: int | None = None,
    to_block: int | None = None,
    checkpoint: Path | None = None,
    on_events: Callable[[list[ChainEvent]], None] | None = None,
) -> tuple[Progress, int]:
    """Scans to `to_block` (default: the head), continuing from `checkpoint` when it exists,
    saving it as it goes. Returns the progress and the number of events this run read."""
    head = scanner.head()
    end = head if to_block is None else to_block
    if end > head:
        raise ScanError(f"block {end} does not exist yet (head is {head})")
    if checkpoint is not None and checkpoint.exists():
        progress = Progress.load(checkpoint)
        if from_block is not None and from_block != progress.from_block:
            raise ScanError(f"the checkpoint starts at block {progress.from_block}, not {from_block}")
    else:
        progress = Progress.begin(scanner, from_block)
    saver = Checkpointer(checkpoint, scanner) if checkpoint is not None else None
    read = progress.advance(scanner, end, on_events=on_events, on_chunk=saver)
    if saver is not None:
        saver.save(progress)
    return progress, read
