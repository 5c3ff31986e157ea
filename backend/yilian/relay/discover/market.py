"""Merchants of the 益商联盟 and their live offers: what a volunteer can spend 益币 on.

Merchants and offers live on chain only (the relay keeps no copy to drift from it): merchants come
from the alliance's MerchantRegistered logs with their current state from `merchant(address)`;
offers are read by id (`offerCount`, `offer(id)`), and "live" is judged at the latest block's time,
the clock the alliance itself redeems by. Each page costs one call per offer id it looks at.
"""

from dataclasses import dataclass
from typing import Any

from yilian.chain.protocol import MerchantKind
from yilian.merchant.offers import MerchantStatus, Offer, read_offer
from yilian.relay.discover.logs import event_logs
from yilian.relay.services.chain import RelayChain


@dataclass(frozen=True)
class ListedMerchant:
    address: str
    kind: str
    status: str
    profile_hash: str
    key: list[Any]  # [block, log index] of the registration


def merchants(*, chain: RelayChain, active_only: bool, after: list[Any] | None, limit: int) -> list[ListedMerchant]:
    """In order of registration."""
    found: list[ListedMerchant] = []
    for log in event_logs(chain, "MerchantAlliance", "MerchantRegistered"):
        key = [log.blockNumber, log.logIndex]
        if after is not None and key <= after:
            continue
        kind, status, profile_hash = chain.alliance.functions.merchant(log.args.merchant).call()
        if active_only and status != MerchantStatus.ACTIVE:
            continue
        found.append(
            ListedMerchant(
                log.args.merchant,
                MerchantKind(kind).name.lower(),
                MerchantStatus(status).name.lower(),
                "0x" + profile_hash.hex(),
                key,
            )  # fmt: skip
        )
        if len(found) == limit:
            break
    return found


def live_offers(*, chain: RelayChain, merchant: str | None, after: int | None, limit: int) -> list[Offer]:
    """Open offers (valid now, in stock, not closed) of active merchants, newest id first."""
    now = int(chain.w3.eth.get_block("latest")["timestamp"])
    next_id = after if after is not None else chain.alliance.functions.offerCount().call() + 1
    active: dict[str, bool] = {}
    found: list[Offer] = []
    for offer_id in range(next_id - 1, 0, -1):
        offer = read_offer(chain.alliance, offer_id)
        if offer is None or offer.state(now) != "open" or merchant not in (None, offer.merchant):
            continue
        if offer.merchant not in active:
            active[offer.merchant] = chain.alliance.functions.isActiveMerchant(offer.merchant).call()
        if active[offer.merchant]:
            found.append(offer)
            if len(found) == limit:
                break
    return found
