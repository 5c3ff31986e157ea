"""JSON-RPC batching: many reads in one HTTP round trip instead of one round trip per read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from web3 import Web3

DEFAULT_BATCH = 200  # calls per HTTP request: well under the batch limits nodes set (Besu: 1024)


def batched(w3: Web3, calls: Iterable[Callable[[], Any]], size: int = DEFAULT_BATCH) -> Iterator[Any]:
    """Runs `calls` (each builds one request: `contract_read(...)`, `partial(w3.eth.get_block, n)`) in
    batches of `size` and yields the decoded results in order, one batch in memory at a time.

    The calls are callables because web3 turns `.call()` into a queued request only while a
    batch is open: made outside it, each would be its own round trip.
    """
    pending = iter(calls)
    while chunk := list(islice(pending, size)):
        with w3.batch_requests() as batch:
            for call in chunk:
                batch.add(call())
            results = batch.execute()
        # Yielded after the batch closed: the caller's own requests between items go out as usual.
        yield from results


def contract_read(function: Any, *args: Any, block: int | str = "latest") -> Callable[[], Any]:
    """`function(*args).call(block_identifier=block)` for `batched`, built only when its batch
    runs: a million prepared contract calls would not fit in memory."""
    return lambda: function(*args).call(block_identifier=block)
