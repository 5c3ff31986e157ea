"""Event logs of one of the project's contracts since its deployment, fetched in block chunks
(nodes cap the range one eth_getLogs may cover)."""

from typing import Any

from yilian.relay.services.chain import RelayChain

LOG_CHUNK_BLOCKS = 5_000


def event_logs(chain: RelayChain, contract: str, event: str, **filters: Any) -> list[Any]:
    """Every `event` of `contract` matching the indexed `filters`, oldest first."""
    found = getattr(chain, _ATTRIBUTE[contract]).events[event]
    start = chain.manifest.contracts[contract].block_number
    latest = chain.w3.eth.block_number
    logs: list[Any] = []
    for low in range(start, latest + 1, LOG_CHUNK_BLOCKS):
        high = min(low + LOG_CHUNK_BLOCKS - 1, latest)
        logs += found().get_logs(argument_filters=filters or None, from_block=low, to_block=high)
    return sorted(logs, key=lambda log: (log.blockNumber, log.logIndex))


_ATTRIBUTE = {"YiCoin": "yicoin", "MerchantAlliance": "alliance", "HourLedger": "ledger"}
