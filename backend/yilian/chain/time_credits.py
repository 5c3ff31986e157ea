"""Reading the ledger's time credits (时间储蓄): an account's every change, and a bank's totals,
from the HourLedger's events. Shared by the relay's API and the `yilian time-bank` command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3.contract import Contract

from yilian.chain.transactions import as_hex

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
# Ledger events that change an account's credits, and the argument naming the account.
HISTORY_EVENTS = (
    ("TimeCreditsEarned", "volunteer"),
    ("TimeCreditsWithdrawn", "requester"),
    ("TimeCreditsReversed", "volunteer"),
    ("TimeCreditsRefunded", "requester"),
    ("TimeCreditsMoved", "from"),
    ("TimeCreditsMoved", "to"),
    ("TimeCreditsExchanged", "account"),
)
# Ledger events naming one account: (kind, the argument holding the minutes, sign).
_ONE_ACCOUNT_CHANGES = {
    "TimeCreditsEarned": ("earned", "banked", 1),
    "TimeCreditsWithdrawn": ("service_paid", "fromRequester", -1),
    "TimeCreditsReversed": ("revoked", "reclaimed", -1),
    "TimeCreditsRefunded": ("service_refunded", "refunded", 1),
}


@dataclass(frozen=True)
class CreditEntry:
    """One change of an account's credits: `minutes` signed (+ in, − out), traceable to the
    session `uid` where hours were earned or served, or to the counterparty of a move."""

    kind: str  # earned | service_paid | revoked | service_refunded | given | received | donated | exported | imported
    minutes: int
    uid: str | None
    counterparty: str | None
    block: int
    log_index: int
    tx_hash: str


def credit_history(ledger: Contract, since_block: int, address: str) -> list[CreditEntry]:
    """Every change of `address`'s credits from `since_block` (the ledger's deployment), oldest first."""
    entries = []
    for name, argument in HISTORY_EVENTS:
        event = getattr(ledger.events, name)()
        for log in event.get_logs(from_block=since_block, argument_filters={argument: address}):
            entries.append(_entry(name, argument, log))
    return sorted(entries, key=lambda entry: (entry.block, entry.log_index))


def bank_totals(ledger: Contract, since_block: int) -> dict[str, int]:
    """A district bank's totals in credit minutes, from every time-credit event of its ledger."""

    def logs(name: str) -> list[Any]:
        return list(getattr(ledger.events, name)().get_logs(from_block=since_block))

    earned, withdrawn = logs("TimeCreditsEarned"), logs("TimeCreditsWithdrawn")
    return {
        "earned_minutes": sum(log["args"]["banked"] for log in earned),
        "to_pool_at_cap_minutes": sum(log["args"]["toPool"] for log in earned),
        "service_paid_minutes": sum(log["args"]["fromRequester"] for log in withdrawn),
        "service_paid_by_pool_minutes": sum(log["args"]["fromPool"] for log in withdrawn),
        "unfunded_minutes": sum(log["args"]["unfunded"] for log in withdrawn),
        "revoked_minutes": sum(log["args"]["reclaimed"] for log in logs("TimeCreditsReversed")),
        "moved_minutes": sum(log["args"]["creditMinutes"] for log in logs("TimeCreditsMoved")),
        "pool_minutes": ledger.functions.timeCreditPool().call(),
        "sessions_banked": len(earned),
        "services_delivered": len(withdrawn),
    }


def _entry(name: str, argument: str, log: Any) -> CreditEntry:
    args = log["args"]
    uid = "0x" + args["uid"].hex() if "uid" in args else None
    kind, minutes, counterparty = _change(name, argument, args)
    return CreditEntry(
        kind, minutes, uid, counterparty, log["blockNumber"], log["logIndex"], as_hex(log["transactionHash"])
    )


def _change(name: str, argument: str, args: Any) -> tuple[str, int, str | None]:
    if name in _ONE_ACCOUNT_CHANGES:
        kind, field, sign = _ONE_ACCOUNT_CHANGES[name]
        return kind, sign * args[field], None
    minutes = args["creditMinutes"]
    if name == "TimeCreditsExchanged":
        return ("imported", minutes, None) if args["arrived"] else ("exported", -minutes, None)
    if argument == "to":
        return "received", minutes, args["from"]
    if args["to"] == ZERO_ADDRESS:
        return "donated", -minutes, None
    return "given", -minutes, args["to"]
