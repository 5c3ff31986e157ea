"""Section 3 of bench/relay.md: check-out → confirmed, each target with its figures, the
reference measured in the same run, the ratio and ✓/✗."""

from __future__ import annotations

import re

from .e2e import ChainRun, percentile
from .machine import load_averages

TARGET_RATE = 500  # attestations/s on Anvil
TARGET_BURST, TARGET_BURST_S = 10_000, 30  # check-outs confirmed within this many seconds
TARGET_GANACHE = 0.90  # of the chain's own rate
HEADING = "## 3. Check-out → confirmed on chain"


def verdict(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(runs: list[ChainRun], *, measured: str) -> list[str]:
    lines = [
        HEADING,
        "",
        measured,
        "",
        "The outbox is filled beforehand, untimed, through the relay's service layer: volunteers registered "
        "by its `register_volunteer` (on chain too), sessions of three minutes closed by its `close_session` "
        "(minutes counted, attestation written); no HTTP and no check-in rules, which are the API's work "
        "(section 1). Then the relay's outbox worker, warmed up as a running relay is (attester keys "
        "unlocked, contracts loaded), runs in the benchmark's process and the clock runs from its start to "
        "the last confirmation. Included: batching, the organisation's one EIP-712 signature per batch, "
        "recording each transaction with its nonce, broadcasting, following receipts with confirmations 1 and"
        " settling the database, with several batches in flight. Not included: the per-item signature check-"
        "out makes (the volunteer's receipt; the API's work, section 1). The reference: the chain's own rate "
        "for attestBatch transactions of the same size (other new volunteers' first sessions, signed the same"
        " way), measured before the drain, after one untimed batch that warms the node up (its first attestBatch "
        "is slower), and again after it with other volunteers, the faster of the two counted (a node's "
        "speed drifts over a run); all signed before the clock starts and sent raw back to back, the clock "
        "stopping when the last is mined. Exactly-once is counted on chain: HoursAttested logs per uid "
        "(eth_getLogs over every block since the worker started).",
        "",
        "| chain | attestations | worker: start → last confirmed | worker rate | chain's own rate (raw) "
        "| relay / raw | txs (items min / median / max) | confirmed p50 / p99 after start "
        "| HoursAttested per uid | lost / doubled / other | load before → after |",
        "|---|---:|---:|---:|---:|---:|---|---|---|---|---|",
    ]
    for run in runs:
        d, raw, sizes = run.drain, run.raw, run.drain.batch_sizes
        p50, p99 = percentile(d.latencies_s, 50), percentile(d.latencies_s, 99)
        loads = f"{load_averages(run.load_before)} → {load_averages(run.load_after)}"
        per_uid = ", ".join(f"{n} × {times}" for times, n in sorted(d.events_per_uid.items()))
        lines.append(
            f"| {run.chain} | {d.attestations} | {_num(d.elapsed_s)} s{' (timed out)' if d.timed_out else ''} "
            f"| {d.rate:.0f}/s | {raw.rate:.0f}/s (before {run.raw_before.rate:.0f}/s, "
            f"after {run.raw_after.rate:.0f}/s; "
            f"{raw.transactions} txs of {raw.batch} each, {raw.gas_per_item:,.0f} gas/item) | {run.ratio:.0%} "
            f"| {d.chain_txs} ({sizes[0] if sizes else 0} / {sizes[len(sizes) // 2] if sizes else 0} / "
            f"{sizes[-1] if sizes else 0}) | {p50:.1f} s / {p99:.1f} s "
            f"| {per_uid} | {d.lost} / {d.doubled} / {d.extra_events} | {loads} |"
        )  # fmt: skip
    filled = "; ".join(f"{run.chain} {run.fill_s:.0f} s" for run in runs)
    lines += ["", f"Filling the outbox (untimed) took: {filled}.", ""]
    lines += ["| target | measured | reference | ratio | |", "|---|---:|---:|---:|:-:|"]
    for run in runs:
        lines += _targets(run)
    return [*lines, ""]


def _targets(run: ChainRun) -> list[str]:
    d, raw = run.drain, run.raw
    exact = (
        f"| {run.chain}: 0 lost, 0 doubled | {d.lost} lost, {d.doubled} doubled, {d.confirmed}/{d.attestations} "
        f"confirmed | — | — | {verdict(d.exact)} |"
    )
    if run.chain != "anvil":
        return [
            f"| {run.chain}: relay ≥ {TARGET_GANACHE:.0%} of the chain's own rate | {d.rate:.1f}/s "
            f"| {raw.rate:.1f}/s | {run.ratio:.0%} | {verdict(run.ratio >= TARGET_GANACHE)} |",
            exact,
        ]
    burst_ok = d.attestations >= TARGET_BURST and d.elapsed_s is not None and d.elapsed_s <= TARGET_BURST_S
    return [
        f"| anvil: ≥ {TARGET_RATE} confirmed attestations/s | {d.rate:.0f}/s | {TARGET_RATE}/s (chain's own: "
        f"{raw.rate:.0f}/s) | {d.rate / TARGET_RATE:.2f} (relay / raw {run.ratio:.0%}) "
        f"| {verdict(d.rate >= TARGET_RATE)} |",
        f"| anvil: {TARGET_BURST:,} check-outs confirmed within {TARGET_BURST_S} s | {d.attestations:,} in "
        f"{_num(d.elapsed_s)} s{'' if d.attestations >= TARGET_BURST else ' (a smaller burst: not shown)'} "
        f"| {TARGET_BURST_S} s | {(d.elapsed_s or float('inf')) / TARGET_BURST_S:.2f} | {verdict(burst_ok)} |",
        exact,
    ]


def splice(existing: str, section: list[str]) -> str:
    """`existing` report with its section 3 replaced by `section` (or `section` added before the
    notes and settings): the e2e part run alone keeps the other sections' latest figures."""
    text = "\n".join(section)
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## (?!3\.)|\Z)", re.S | re.M)
    if pattern.search(existing):
        return pattern.sub(lambda _: text + "\n", existing, count=1)
    marker = existing.find("\n## Notes") if "\n## Notes" in existing else existing.find("\n## Settings")
    if marker < 0:
        return existing.rstrip("\n") + "\n\n" + text + "\n"
    return existing[: marker + 1] + text + "\n" + existing[marker + 1 :]


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
