"""Check-out → confirmed, the relay's outbox worker timed alone: the outbox is filled through the
service layer beforehand (untimed, bench/fill.py), then the worker runs in this process and the
clock runs from its start to the last confirmation. Against the chain's own rate for the same
attestBatch transactions, pre-signed and sent raw, on the same chain in the same run.

What the clock includes: batching, the organisation's one signature per batch, recording each
transaction with its nonce, broadcasting, following receipts and settling the database, with several
batches in flight. What it excludes: the API (section 1) — the check-in rules and the per-item
signature that check-out hands the volunteer as a receipt — and the relay's start-up.
Exactly-once is counted on chain: HoursAttested logs per uid, from eth_getLogs.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_utils import event_abi_to_log_topic
from sqlalchemy import func, select
from web3 import Web3
from web3.logs import DISCARD

from yilian.chain.connection import connect
from yilian.chain.eip712 import FastSigner, HourAttestation, ledger_domain
from yilian.chain.ledger_batch import encode_attest_batch, fetch_receipts, sign_batch
from yilian.chain.localchain import dev_private_key
from yilian.chain.manifest import Manifest
from yilian.chain.transactions import Sender
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation, ChainTx
from yilian.relay.db.session import make_engine, make_sessionmaker
from yilian.relay.services.chain import RelayChain
from yilian.relay.worker import OutboxWorker

from . import env, fill, machine

OPEN = ("pending", "signed", "submitted")


@dataclass
class Drain:
    attestations: int
    started: float
    last_confirmed: float | None
    statuses: dict[str, int]
    chain_txs: int
    batch_sizes: list[int]
    latencies_s: list[float] = field(default_factory=list)  # worker start → each confirmation
    events_per_uid: Counter[int] = field(default_factory=Counter)  # times attested → how many uids
    extra_events: int = 0  # HoursAttested for uids this drain never made
    timed_out: bool = False

    @property
    def confirmed(self) -> int:
        return self.statuses.get("confirmed", 0)

    @property
    def elapsed_s(self) -> float | None:
        return None if self.last_confirmed is None else self.last_confirmed - self.started

    @property
    def rate(self) -> float:
        return self.confirmed / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def lost(self) -> int:
        """Checked out with minutes, never attested on chain."""
        return self.events_per_uid.get(0, 0)

    @property
    def doubled(self) -> int:
        return sum(n for times, n in self.events_per_uid.items() if times > 1)

    @property
    def exact(self) -> bool:
        return not (self.lost or self.doubled or self.extra_events) and self.confirmed == self.attestations


@dataclass
class RawRate:
    attestations: int
    transactions: int
    batch: int
    elapsed_s: float
    gas_per_item: float

    @property
    def rate(self) -> float:
        return self.attestations / self.elapsed_s


@dataclass
class ChainRun:
    chain: str
    batch: int
    drain: Drain
    raw_before: RawRate
    raw_after: RawRate
    load_before: str
    load_after: str
    fill_s: float

    @property
    def raw(self) -> RawRate:
        """The reference: the faster of the chain's runs before and after the drain (a node's
        speed drifts over a run; the slower one would flatter the relay)."""
        return max(self.raw_before, self.raw_after, key=lambda raw: raw.rate)

    @property
    def ratio(self) -> float:
        return self.drain.rate / self.raw.rate


def run(kind: str, *, attestations: int, raw_attestations: int, batch: int, workdir: Path, timeout_s: float,
        log) -> ChainRun:  # type: ignore[no-untyped-def]  # fmt: skip
    """A fresh `kind` chain and SQLite database: `raw_attestations` (other new volunteers, same
    activities) go out pre-signed and raw, after one untimed batch that warms the node up; then
    the relay's worker drains `attestations` check-outs; then `raw_attestations` more go out raw."""
    with env.local_chain(kind, workdir) as (chain, manifest_path), env.scratch_database("sqlite", workdir) as url:
        settings = Settings(database_url=url, rpc_url=chain.rpc_url, manifest_path=manifest_path, batch_max_size=batch)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        relay_chain = RelayChain.from_settings(settings)
        started = time.time()
        n = attestations + batch + 2 * raw_attestations
        log(f"{kind}: {n} volunteers registered, {attestations} check-outs (untimed)")
        activities = fill.open_activities(sessions, relay_chain, settings, 20)
        people = fill.register(sessions, relay_chain, settings, n, prefix=fill.prefix())
        filled = fill.serve_once(sessions, relay_chain, people[:attestations], activities)
        fill_s = time.time() - started
        engine.dispose()
        w3 = connect(chain.rpc_url, timeout=120)
        manifest = Manifest.load(manifest_path)
        others = [address for _, address in people[attestations:]]
        now = int(w3.eth.get_block("latest")["timestamp"])
        # The node's first attestBatch is slower (its code paths cold): untimed, before both.
        raw_rate(w3, manifest, others[:batch], activities, batch=batch, now=now)
        later = others[batch + raw_attestations :]
        raw_before = raw_rate(w3, manifest, others[batch : batch + raw_attestations], activities, batch=batch, now=now)
        log(f"{kind}: the chain's own rate for raw batches of {batch}: {raw_before.rate:.0f}/s")
        log(f"{kind}: outbox filled in {fill_s:.0f} s; the worker drains it (batches of up to {batch})")
        before = machine.uptime()
        outcome = drain(settings, filled, timeout_s=timeout_s)
        after = machine.uptime()
        raw_after = raw_rate(w3, manifest, later, activities, batch=batch, now=now)
        log(f"{kind}: the chain's own rate after the drain: {raw_after.rate:.0f}/s")
        log(f"{kind}: {outcome.confirmed} confirmed in {outcome.elapsed_s or float('nan'):.1f} s "
            f"({outcome.rate:.0f}/s); lost {outcome.lost}, doubled {outcome.doubled}")  # fmt: skip
    return ChainRun(kind, batch, outcome, raw_before, raw_after, before, after, fill_s)


def drain(settings: Settings, filled: fill.Filled, *, timeout_s: float) -> Drain:
    """The relay's worker started in a thread of this process, on the outbox as check-out left it;
    waits until every attestation of `filled` is settled (or the timeout),
    then counts HoursAttested logs per uid on chain."""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    ours = Attestation.created_at >= filled.cutoff
    try:
        with sessions() as db:
            tx_before = db.scalar(select(func.max(ChainTx.id))) or 0
        chain = RelayChain.from_settings(settings)
        worker = OutboxWorker(sessions, chain, settings)
        _warm_up(worker, sessions, filled.activities)
        first_block = chain.w3.eth.block_number + 1
        started = time.time()
        worker.start()
        try:
            timed_out = _wait_settled(sessions, ours, len(filled.volunteers), started + timeout_s)
        finally:
            worker.stop()
        with sessions() as db:
            rows = db.execute(select(Attestation.uid, Attestation.status, Attestation.chain_tx_id,
                                     Attestation.updated_at).where(ours)).all()  # fmt: skip
            txs = db.scalar(
                select(func.count()).where(ChainTx.id > tx_before, ChainTx.kind == "attest_batch")
            )  # fmt: skip
        confirmed = [row for row in rows if row.status == "confirmed"]
        outcome = Drain(
            attestations=len(rows), started=started,
            last_confirmed=max((row.updated_at for row in confirmed), default=None),
            statuses=dict(Counter(row.status for row in rows)), chain_txs=txs or 0,
            batch_sizes=sorted(Counter(row.chain_tx_id for row in confirmed).values()),
            latencies_s=sorted(row.updated_at - started for row in confirmed), timed_out=timed_out,
        )  # fmt: skip
        uids = {bytes.fromhex(row.uid[2:]) for row in rows}
        per_uid = attested_uids(chain.w3, chain.manifest, first_block)
        outcome.events_per_uid = Counter(per_uid.get(u, 0) for u in uids)
        outcome.extra_events = sum(n for u, n in per_uid.items() if u not in uids)
        return outcome
    finally:
        engine.dispose()


def _warm_up(worker: OutboxWorker, sessions, activities: list[int]) -> None:  # type: ignore[no-untyped-def]
    """What a running relay has done long before: its organisations' attester keys unlocked
    (scrypt), the contracts loaded, the chain id and the finality depth asked."""
    chain = worker.chain
    with sessions() as db:
        for activity in activities:
            chain.attesters.for_activity(db, activity)
    _ = chain.ledger, chain.domain, chain.finality_depth, worker.submitter.chain_id


def _wait_settled(sessions, ours, expected: int, deadline: float) -> bool:  # type: ignore[no-untyped-def]
    """True if the deadline came first. Polls four times a second (a light read beside the worker)."""
    while time.time() < deadline:
        with sessions() as db:
            still_open = db.scalar(select(func.count()).where(ours, Attestation.status.in_(OPEN)))
            total = db.scalar(select(func.count()).where(ours))
        if not still_open and total >= expected:
            return False
        time.sleep(0.25)
    return True


def attested_uids(w3: Web3, manifest: Manifest, first_block: int, step: int = 2000) -> Counter[bytes]:
    """uid → how many HoursAttested logs carry it, from eth_getLogs over the blocks since."""
    ledger = manifest.contract(w3, "HourLedger")
    abi = next(e for e in ledger.abi if e.get("type") == "event" and e.get("name") == "HoursAttested")
    topic = "0x" + event_abi_to_log_topic(abi).hex()  # type: ignore[arg-type]
    last = w3.eth.block_number
    counts: Counter[bytes] = Counter()
    for start in range(first_block, last + 1, step):
        logs = w3.eth.get_logs({
            "address": ledger.address, "topics": [topic],
            "fromBlock": start, "toBlock": min(last, start + step - 1),
        })  # fmt: skip
        counts.update(bytes(log["topics"][1]) for log in logs)
    return counts


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


# --- the chain's own rate: the same batches, pre-signed and sent raw ----------------------------

RAW_SENDER = 3  # a development account with no role: attestBatch is open to any submitter


def raw_rate(
    w3: Web3, manifest: Manifest, volunteers: list[str], activities: list[int], *, batch: int, now: int,
    session: int = 0,
) -> RawRate:  # fmt: skip
    """attestBatch transactions of `batch` items (each volunteer's first session, each batch
    signed once with FastSigner, as the relay signs them, by a key the registrar first makes an attester of the
    activities' organisations), all signed before the clock starts, then sent back to back with
    eth_sendRawTransaction; the clock stops when the last is mined."""
    ledger = manifest.contract(w3, "HourLedger")
    attester = FastSigner(dev_private_key(1))
    registry = manifest.contract(w3, "VolunteerRegistry").functions
    registrar = Sender(w3, dev_private_key(0))  # the relay is stopped: its account is free
    for organisation in {registry.activity(a).call()[0] for a in activities}:
        if not registry.isOrganisationAttester(organisation, attester.address).call():
            registrar.transact(registry.addOrganisationAttester(organisation, attester.address))
    domain = ledger_domain(manifest.chain_id, ledger.address)
    sender = Account.from_key(dev_private_key(RAW_SENDER))
    nonce = w3.eth.get_transaction_count(sender.address)
    base_fee = w3.eth.get_block("latest").get("baseFeePerGas") or 0
    fees = {"maxFeePerGas": 2 * base_fee + 10**9, "maxPriorityFeePerGas": 10**9}
    raws = []
    for n, start in enumerate(range(0, len(volunteers), batch)):
        items = [
            HourAttestation(volunteer, activities[i % len(activities)], session, now - 300, now - 60, 4, os.urandom(32))
            for i, volunteer in enumerate(volunteers[start : start + batch], start)
        ]
        tx = {
            "from": sender.address, "to": ledger.address, "nonce": nonce + n, "gas": 60_000 + 160_000 * len(items),
            "chainId": manifest.chain_id, "value": 0, "data": encode_attest_batch(sign_batch(attester, items, domain)),
            **fees,
        }  # fmt: skip
        raws.append(sender.sign_transaction(tx).raw_transaction)
    started = time.perf_counter()
    hashes = [w3.eth.send_raw_transaction(raw) for raw in raws]
    # One sender, consecutive nonces: all are mined once the last is. Polled raw and light, so
    # that the client's receipt decoding is not what is measured; the receipts are read after.
    last = "0x" + hashes[-1].hex().removeprefix("0x")
    deadline = started + 600
    while fetch_receipts(w3, [last])[0] is None and time.perf_counter() < deadline:
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    receipts = [w3.eth.get_transaction_receipt(h) for h in hashes]
    accepted = sum(len(ledger.events.HoursAttested().process_receipt(r, errors=DISCARD)) for r in receipts)
    if accepted != len(volunteers):
        raise RuntimeError(f"raw batches: {accepted} of {len(volunteers)} attestations accepted")
    gas = sum(r["gasUsed"] for r in receipts) / len(volunteers)
    return RawRate(len(volunteers), len(raws), batch, elapsed, gas)
