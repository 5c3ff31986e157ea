"""Time-bank credits rebuilt from the ledger's events: every minute earned, withdrawn, reversed,
refunded, moved or exchanged, per account, with the community pool under the zero address (as
`HourLedger.timeCredits(address(0))` reports it)."""

from __future__ import annotations

from collections.abc import Callable

from yilian.audit.scanner import ChainEvent

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
POOL = ZERO_ADDRESS

Credits = dict[str, int]


def _add(credits: Credits, account: str, minutes: int) -> None:
    credits[account] = credits.get(account, 0) + minutes


def _earned(credits: Credits, event: ChainEvent) -> None:
    _add(credits, event.args["volunteer"], event.args["banked"])
    _add(credits, POOL, event.args["toPool"])


def _withdrawn(credits: Credits, event: ChainEvent) -> None:
    _add(credits, event.args["requester"], -event.args["fromRequester"])
    _add(credits, POOL, -event.args["fromPool"])


def _reversed(credits: Credits, event: ChainEvent) -> None:
    _add(credits, event.args["volunteer"], -event.args["reclaimed"])


def _refunded(credits: Credits, event: ChainEvent) -> None:
    _add(credits, event.args["requester"], event.args["refunded"])
    _add(credits, POOL, event.args["toPool"])


def _moved(credits: Credits, event: ChainEvent) -> None:
    _add(credits, event.args["from"], -event.args["creditMinutes"])
    _add(credits, event.args["to"], event.args["creditMinutes"])


def _exchanged(credits: Credits, event: ChainEvent) -> None:
    sign = 1 if event.args["arrived"] else -1
    _add(credits, event.args["account"], sign * event.args["creditMinutes"])


TIME_CREDIT_HANDLERS: dict[str, Callable[[Credits, ChainEvent], None]] = {
    "HourLedger.TimeCreditsEarned": _earned,
    "HourLedger.TimeCreditsWithdrawn": _withdrawn,
    "HourLedger.TimeCreditsReversed": _reversed,
    "HourLedger.TimeCreditsRefunded": _refunded,
    "HourLedger.TimeCreditsMoved": _moved,
    "HourLedger.TimeCreditsExchanged": _exchanged,
}
