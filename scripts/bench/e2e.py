"""Check-out → confirmed: bursts of check-outs through the API, followed into the database and
onto the chain; and the chain's own rate for the same attestBatch transactions sent raw."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_utils import event_abi_to_log_topic
from sqlalchemy import func, select
from web3 import Web3
from web3.logs import DISCARD

from yilian.chain.eip712 import FastSigner, HourAttestation, ledger_domain, uid
from yilian.chain.ledger_batch import encode_attest_batch, sign_batch
from yilian.chain.localchain import dev_private_key
from yilian.chain.manifest import Manifest
from yilian.chain.transactions import Sender
from yilian.relay.db.models import Attestation, ChainTx
from yilian.relay.db.session import make_engine, make_sessionmaker

from .load import WrkResult, collect_checkins, run_wrk
from .seed import Api, Seeded, signin_codes, write_checkin_plan

OPEN = ("pending", "signed", "submitted")


def open_check_ins(api: Api, seeded: Seeded, workdir: Path, *, name: str, connections: int, chunk: int = 3000) -> Path:
    """Every volunteer of `seeded` checks in once (untimed), in chunks whose pre-generated bodies
    stay inside the relay's clock-skew bound; returns the check-out plan (check-outs without a
    client time: the relay's clock decides, at least a minute after the check-in)."""
    plan_out = workdir / f"{name}-checkouts.tsv"
    lines: list[str] = []
    for start in range(0, len(seeded.volunteers), chunk):
        part = Seeded(seeded.activities, seeded.volunteers[start : start + chunk])
        at, codes = signin_codes(api, seeded.activities)
        plan = workdir / f"{name}-checkins-{start}.tsv"
        write_checkin_plan(plan, part, sessions=1, at=at, codes=codes, checkout_after_s=None)
        prefix = workdir / f"{name}-checkins-{start}.out"
        result = run_wrk(api.url, mode="checkin", plan=plan, key=api.keys["app"], connections=connections,
                         duration_s=900, out_prefix=prefix)  # fmt: skip
        if result.stats["http_err"] or result.stats["ci_ok"] != len(part.volunteers):
            raise RuntimeError(f"check-ins failed: {result.stats}\n{result.stderr[-2000:]}")
        part_plan = workdir / f"{name}-checkouts-{start}.tsv"
        collect_checkins(prefix, 2, part_plan)
        lines += [line for line in part_plan.read_text().splitlines() if line]
    plan_out.write_text("\n".join(lines) + "\n")
    return plan_out


@dataclass
class Burst:
    checkouts: int
    api: WrkResult
    started: float
    last_confirmed: float | None
    statuses: dict[str, int]
    chain_txs: int
    batch_sizes: list[int]
    latencies_s: list[float] = field(default_factory=list)  # check-out stored → confirmed
    events_per_uid: Counter[int] = field(default_factory=Counter)  # times attested → how many uids
    extra_events: int = 0  # HoursAttested for uids this burst never made
    timed_out: bool = False
    first_batch_at: float | None = None  # when the worker recorded its first batch of these

    @property
    def drain_s(self) -> float | None:
        """From the first batch recorded to the last confirmation."""
        if self.first_batch_at is None or self.last_confirmed is None:
            return None
        return self.last_confirmed - self.first_batch_at

    @property
    def drain_rate(self) -> float | None:
        return None if not self.drain_s else self.confirmed / self.drain_s

    @property
    def confirmed(self) -> int:
        return self.statuses.get("confirmed", 0)

    @property
    def elapsed_s(self) -> float | None:
        return None if self.last_confirmed is None else self.last_confirmed - self.started

    @property
    def rate(self) -> float | None:
        elapsed = self.elapsed_s
        return None if not elapsed else self.confirmed / elapsed

    @property
    def lost(self) -> int:
        """Checked out with minutes, never attested on chain."""
        return self.events_per_uid.get(0, 0)

    @property
    def doubled(self) -> int:
        return sum(n for times, n in self.events_per_uid.items() if times > 1)


@dataclass
class Sent:
    """A burst of check-outs answered by the API: where its attestations start."""

    result: WrkResult
    cutoff: float  # every attestation of the burst was created after it
    first_block: int
    tx_before: int  # the last submitter transaction id before the burst
    expected: int


def send_checkouts(api: Api, database_url: str, w3: Web3, plan: Path, *, connections: int) -> Sent:
    """Sends every check-out of `plan` at once (wrk, `connections` at a time); each must answer
    with an attestation."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            tx_before = session.scalar(select(func.max(ChainTx.id))) or 0
    finally:
        engine.dispose()
    cutoff = time.time()
    first_block = w3.eth.block_number + 1
    result = run_wrk(api.url, mode="checkout", plan=plan, key=api.keys["app"], connections=connections,
                     duration_s=3600)  # fmt: skip
    if result.stats["http_err"]:
        raise RuntimeError(f"check-outs failed: {result.stats}\n{result.stderr[-2000:]}")
    planned = sum(1 for line in plan.read_text().splitlines() if line)
    if result.stats["attested"] != planned:
        raise RuntimeError(f"{planned} check-outs sent, {result.stats['attested']} with an attestation: {result.stats}")
    return Sent(result, cutoff, first_block, tx_before, planned)


def settle(sent: Sent, database_url: str, w3: Web3, manifest: Manifest, *, started: float, timeout_s: float) -> Burst:
    """Waits until every attestation of `sent` is settled (or `timeout_s` after `started`), then
    counts HoursAttested logs per uid on chain."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    ours = Attestation.created_at >= sent.cutoff
    try:
        timed_out = False
        while True:
            with sessions() as session:
                still_open = session.scalar(select(func.count()).where(ours, Attestation.status.in_(OPEN)))
                total = session.scalar(select(func.count()).where(ours))
            if not still_open and total >= sent.expected:
                break
            if time.time() > started + timeout_s:
                timed_out = True
                break
            time.sleep(0.1)
        with sessions() as session:
            rows = list(session.scalars(select(Attestation).where(ours)))
            txs = session.scalars(
                select(ChainTx).where(ChainTx.id > sent.tx_before, ChainTx.kind == "attest_batch")
            ).all()
        statuses = Counter(row.status for row in rows)
        confirmed = [row for row in rows if row.status == "confirmed"]
        sizes = Counter(row.chain_tx_id for row in confirmed)
        outcome = Burst(
            checkouts=len(rows), api=sent.result, started=started,
            last_confirmed=max((row.updated_at for row in confirmed), default=None),
            statuses=dict(statuses), chain_txs=len(txs), batch_sizes=sorted(sizes.values()),
            latencies_s=sorted(row.updated_at - row.created_at for row in confirmed), timed_out=timed_out,
            first_batch_at=min((tx.sent_at for tx in txs), default=None),
        )  # fmt: skip
        uids = {bytes.fromhex(row.uid[2:]) for row in rows}
        per_uid = attested_uids(w3, manifest, sent.first_block)
        outcome.events_per_uid = Counter(per_uid.get(u, 0) for u in uids)
        outcome.extra_events = sum(n for u, n in per_uid.items() if u not in uids)
        return outcome
    finally:
        engine.dispose()


def burst(
    api: Api, database_url: str, w3: Web3, manifest: Manifest, plan: Path, *, connections: int,
    timeout_s: float,
) -> Burst:  # fmt: skip
    """Check-outs sent at once, with the relay's worker running: the clock starts when the
    first is sent and stops when the last attestation is confirmed."""
    sent = send_checkouts(api, database_url, w3, plan, connections=connections)
    return settle(sent, database_url, w3, manifest, started=sent.result.started, timeout_s=timeout_s)


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


def raw_rate(
    w3: Web3, manifest: Manifest, volunteers: list[str], activities: list[int], *, batch: int, now: int,
    session: int = 0,
) -> RawRate:  # fmt: skip
    """attestBatch transactions of `batch` items (each volunteer's first session, each batch
    signed once with FastSigner, as the relay signs them, by a key the registrar first makes an attester of the
    activities' organisations), all signed before the clock starts, then sent back to back with
    eth_sendRawTransaction; the clock stops at the last receipt."""
    ledger = manifest.contract(w3, "HourLedger")
    attester = FastSigner(dev_private_key(1))
    registry = manifest.contract(w3, "VolunteerRegistry").functions
    registrar = Sender(w3, dev_private_key(0))  # the relay is stopped: its account is free
    for organisation in {registry.activity(a).call()[0] for a in activities}:
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
    receipts = [w3.eth.wait_for_transaction_receipt(h, timeout=600, poll_latency=0.02) for h in hashes]
    elapsed = time.perf_counter() - started
    accepted = sum(len(ledger.events.HoursAttested().process_receipt(r, errors=DISCARD)) for r in receipts)
    if accepted != len(volunteers):
        raise RuntimeError(f"raw batches: {accepted} of {len(volunteers)} attestations accepted")
    gas = sum(r["gasUsed"] for r in receipts) / len(volunteers)
    return RawRate(len(volunteers), len(raws), batch, elapsed, gas)


def uids_of(volunteers: list[str], activities: list[int]) -> list[bytes]:
    return [uid(v, activities[i % len(activities)], 0) for i, v in enumerate(volunteers)]


def summary_ms(values_s: list[float]) -> tuple[float, float, float]:
    if not values_s:
        return (float("nan"),) * 3  # type: ignore[return-value]
    return (percentile(values_s, 50) * 1000, percentile(values_s, 99) * 1000, statistics.fmean(values_s) * 1000)
