"""A volunteer's own record: sessions (check-ins with the state of their hours) and 益币 history.

Sessions come from the relay's database; the 益币 history from the chain's logs of the volunteer's
address (the chain is the record), fetched per request in chunks of blocks: the ledger's
HoursAttested and HoursRevoked for points earned and taken back, YiCoin's Transfers for spending.
益币 are minted lazily (the ledger owes a session's points, YiCoin mints them at the first spend),
so a Transfer from 0x0 only settles points already shown as earned, and a revocation's burn is
shown once, by its HoursRevoked.
"""

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from yilian.chain.transactions import as_hex
from yilian.relay.db.models import Attestation, CheckIn
from yilian.relay.discover.logs import event_logs
from yilian.relay.services.chain import RelayChain

ZERO = "0x" + "00" * 20
# earned (for hours) | spent (at a merchant) | burned (revoked, or settled by a merchant) | received
BalanceKind = Literal["earned", "spent", "burned", "received"]


@dataclass(frozen=True)
class ServedSession:
    visit: CheckIn
    attestation: Attestation | None

    @property
    def key(self) -> list[Any]:
        return [self.visit.checked_in_at, self.visit.id]


def sessions_of(*, db: Session, volunteer_id: int, after: list[Any] | None, limit: int) -> list[ServedSession]:
    """Newest first; each with its attestation (minutes, pending … confirmed) when it has one."""
    query = (
        select(CheckIn, Attestation)
        .outerjoin(Attestation, Attestation.check_in_id == CheckIn.id)
        .where(CheckIn.volunteer_id == volunteer_id)
    )
    if after is not None:
        query = query.where(tuple_(CheckIn.checked_in_at, CheckIn.id) < tuple(after))
    rows = db.execute(query.order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc()).limit(limit))
    return [ServedSession(visit, attestation) for visit, attestation in rows]


@dataclass(frozen=True)
class BalanceChange:
    block_number: int
    log_index: int
    tx_hash: str
    kind: BalanceKind
    amount: int  # 益币 base units, positive in, negative out
    counterparty: str

    @property
    def key(self) -> list[Any]:
        return [self.block_number, self.log_index]


def balance_history(*, chain: RelayChain, address: str, after: list[Any] | None, limit: int) -> list[BalanceChange]:
    """Newest first, every change of `address`'s 益币 balance."""
    revocations = event_logs(chain, "HourLedger", "HoursRevoked", volunteer=address)
    revoked_in = {log.transactionHash for log in revocations}
    changes = [
        _ledger_change(log, "earned", log.args["points"])
        for log in event_logs(chain, "HourLedger", "HoursAttested", volunteer=address)
    ]
    changes += [_ledger_change(log, "burned", -log.args["pointsBurned"]) for log in revocations]
    changes = [change for change in changes if change.amount != 0]
    changes += [_change(log, address) for log in _transfers(chain, address) if log.transactionHash not in revoked_in]
    changes.sort(key=lambda change: change.key, reverse=True)
    if after is not None:
        changes = [change for change in changes if change.key < after]
    return changes[:limit]


def _transfers(chain: RelayChain, address: str) -> list[Any]:
    """Transfers to and from `address` but its mints: they settle points shown when earned."""
    sent = event_logs(chain, "YiCoin", "Transfer", **{"from": address})
    received = event_logs(chain, "YiCoin", "Transfer", to=address)
    return sent + [log for log in received if log.args["from"] not in (address, ZERO)]


def _ledger_change(log: Any, kind: BalanceKind, amount: int) -> BalanceChange:
    return BalanceChange(
        block_number=log.blockNumber, log_index=log.logIndex, tx_hash=as_hex(log.transactionHash),
        kind=kind, amount=amount, counterparty=ZERO,
    )  # fmt: skip


def _change(log: Any, address: str) -> BalanceChange:
    sender, receiver, value = log.args["from"], log.args["to"], log.args["value"]
    incoming = receiver == address
    kind: BalanceKind
    if incoming:
        kind, counterparty = "received", sender
    else:
        kind, counterparty = ("burned" if receiver == ZERO else "spent"), receiver
    return BalanceChange(
        block_number=log.blockNumber, log_index=log.logIndex, tx_hash=as_hex(log.transactionHash),
        kind=kind, amount=value if incoming else -value, counterparty=counterparty,
    )  # fmt: skip
