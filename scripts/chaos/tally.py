"""Exactly once, counted three ways: the chain's HoursAttested events per uid, the relay's
database, and the apps' own record of every check-out answered 2xx."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from web3 import Web3

from yilian.chain.manifest import Manifest
from yilian.chain.transactions import as_hex
from yilian.relay.db.models import Attestation, ChainTx
from yilian.relay.db.session import make_engine, make_sessionmaker

OPEN = ("pending", "signed", "submitted")


@dataclass
class Tally:
    told: int  # check-outs the apps were answered 2xx with an attestation
    confirmed: int  # of those, attested on chain
    lost: list[str] = field(default_factory=list)  # told, never attested
    doubled: list[str] = field(default_factory=list)  # attested more than once
    strays: list[str] = field(default_factory=list)  # attested, though no app was told of it
    unconfirmed: list[str] = field(default_factory=list)  # told, the database does not say confirmed
    untold: list[str] = field(default_factory=list)  # in the database, though no app was told of it
    minutes_off: list[str] = field(default_factory=list)  # chain's minutes ≠ what the app was told
    db_statuses: dict[str, int] = field(default_factory=dict)
    batches: dict[str, int] = field(default_factory=dict)  # attestBatch transactions by status
    replaced: int = 0  # of them, re-signed with a higher fee after being stuck

    @property
    def exactly_once(self) -> bool:
        return not (self.lost or self.doubled or self.strays or self.unconfirmed or self.untold or self.minutes_off)


def on_chain(w3: Web3, manifest: Manifest) -> tuple[Counter[str], dict[str, int]]:
    """uid → how many HoursAttested events carry it, and the minutes they attest."""
    logs = manifest.contract(w3, "HourLedger").events.HoursAttested().get_logs(from_block=0)
    minutes = {as_hex(log.args.uid): log.args.serviceMinutes for log in logs}
    return Counter(as_hex(log.args.uid) for log in logs), minutes


def database(database_url: str) -> tuple[dict[str, tuple[str, int]], list[tuple[str, str]]]:
    """uid → (status, minutes) of every attestation the relay holds; (status, earlier hashes)
    of every attestBatch transaction."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(select(Attestation.uid, Attestation.status, Attestation.minutes))
            batches = session.execute(
                select(ChainTx.status, ChainTx.earlier_hashes).where(ChainTx.kind == "attest_batch")
            )
            return {uid: (status, minutes) for uid, status, minutes in rows}, [tuple(row) for row in batches]
    finally:
        engine.dispose()


def tally(told: dict[str, int], w3: Web3, manifest: Manifest, database_url: str) -> Tally:
    events, minutes = on_chain(w3, manifest)
    rows, batches = database(database_url)
    return Tally(
        told=len(told),
        confirmed=sum(1 for uid in told if events[uid]),
        lost=[uid for uid in told if not events[uid]],
        doubled=[uid for uid, times in events.items() if times > 1],
        strays=[uid for uid in events if uid not in told],
        unconfirmed=[uid for uid in told if rows.get(uid, ("missing", 0))[0] != "confirmed"],
        untold=[uid for uid in rows if uid not in told],
        minutes_off=[uid for uid, served in told.items() if events[uid] and minutes[uid] != served],
        db_statuses=dict(Counter(status for status, _ in rows.values())),
        batches=dict(Counter(status for status, _ in batches)),
        replaced=sum(1 for _, earlier in batches if earlier),
    )


class Outbox:
    """The relay's outbox, asked between faults."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.sessions = make_sessionmaker(self.engine)

    def in_flight(self) -> bool:
        with self.sessions() as session:
            return bool(session.scalar(select(func.count()).where(Attestation.status.in_(OPEN))))


def wait_drained(told: dict[str, int], w3: Web3, manifest: Manifest, database_url: str, timeout_s: float) -> float:
    """Seconds until the outbox is empty and every told uid is on chain (or `timeout_s`)."""
    started = time.monotonic()
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        while time.monotonic() - started < timeout_s:
            with sessions() as session:
                still_open = session.scalar(select(func.count()).where(Attestation.status.in_(OPEN)))
            if not still_open:
                events = on_chain(w3, manifest)[0]
                if all(events[uid] for uid in told):
                    break
            time.sleep(1)
        return time.monotonic() - started
    finally:
        engine.dispose()
