"""Statistics and audit reconciliation at district scale, without a chain: `python scripts/bench_stats.py`.

Synthesises 1,000,000 HoursAttested events (Xihu 2019 scale: 150,000 volunteers, 14,100
activities) in the shape the event scan yields, folds them into the audit's `ChainState` as a
scan does, plus as many relay rows with their canonical evidence JSON, then times:
- the fold of the events into the state (the CPU side of a scan, RPC excluded);
- the statistics report for a quarter (that quarter and the previous one, with breakdowns);
- the reconciliation of every relay row with the chain's attestations (the audit's core);
- writing and reading the scan checkpoint.
Writes the measured numbers to bench/stats.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from yilian.audit.progress import Progress
from yilian.audit.reconcile import reconcile_relay
from yilian.audit.relay_records import RelayAttestation
from yilian.audit.scanner import ChainEvent
from yilian.audit.state import ChainState
from yilian.chain.artifacts import PROJECT_ROOT
from yilian.records.evidence import canonical, evidence_hash
from yilian.stats.period import Period
from yilian.stats.report import stats_report

REPORT = PROJECT_ROOT / "bench" / "stats.md"
VOLUNTEERS, ACTIVITIES, ORGANISATIONS, CATEGORIES = 150_000, 14_100, 300, 12
YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))
QUARTER = Period(date(2024, 7, 1), date(2024, 9, 30))
REVOKED_SHARE = 0.005  # one session in 200 corrected by an auditor
TAMPERED = 25  # relay rows altered on purpose: the reconciliation must report each


def _address(n: int) -> str:
    return "0x" + f"{n:040x}"


def synthesise(count: int, rng: random.Random) -> list[ChainEvent]:
    """Registrations, activities, `count` HoursAttested, and the auditor's HoursRevoked."""
    events = [
        ChainEvent(
            "VolunteerRegistry",
            "VolunteerRegistered",
            1,
            YEAR.start - 86_400 * 30 + v * 200,
            "0x",
            v,
            {"volunteer": _address(v + 1), "identityHash": "0x" + "11" * 32},
        )  # fmt: skip
        for v in range(VOLUNTEERS)
    ]
    events += [
        ChainEvent(
            "VolunteerRegistry",
            "ActivityCreated",
            2,
            YEAR.start,
            "0x",
            a,
            {
                "activityId": a,
                "organisationId": 1 + a % ORGANISATIONS,
                "category": 1 + a % CATEGORIES,
                "startsAt": YEAR.start,
                "endsAt": YEAR.end,
                "minuteCap": 6000,
                "pointsPerHour": 10,
            },
        )  # fmt: skip
        for a in range(1, ACTIVITIES + 1)
    ]
    span = YEAR.end - YEAR.start - 86_400
    attested = []
    for n in range(count):
        minutes, check_in = rng.randrange(30, 241), YEAR.start + rng.randrange(span)
        attested.append(ChainEvent("HourLedger", "HoursAttested", 10 + n // 50, check_in + minutes * 60, "0x", n % 50, {
            "uid": f"0x{n:064x}", "volunteer": _address(1 + rng.randrange(VOLUNTEERS)),
            "activityId": 1 + rng.randrange(ACTIVITIES), "session": 0, "checkIn": check_in,
            "checkOut": check_in + minutes * 60, "serviceMinutes": minutes, "points": minutes * 1000 // 60,
            "evidenceHash": _evidence(n)[1],
        }))  # fmt: skip
    revoked = [
        ChainEvent(
            "HourLedger",
            "HoursRevoked",
            10 + count // 50,
            YEAR.end,
            "0x",
            i,
            {
                "uid": e.args["uid"],
                "volunteer": e.args["volunteer"],
                "activityId": e.args["activityId"],
                "serviceMinutes": e.args["serviceMinutes"],
                "pointsBurned": e.args["points"],
                "pointsUnrecovered": 0,
                "auditor": _address(2),
                "reason": "复核未通过",
            },
        )  # fmt: skip
        for i, e in enumerate(rng.sample(attested, int(count * REVOKED_SHARE)))
    ]
    return events + attested + revoked


_EVIDENCE: dict[int, tuple[str, str]] = {}


def _evidence(n: int) -> tuple[str, str]:
    """A check-in evidence bundle of the relay's shape and size, and its hash (memoised: the
    relay rows reuse it)."""
    if n not in _EVIDENCE:
        bundle = canonical({
            "check_in": {"at": 1_720_000_000 + n, "latitude": 30.2741, "longitude": 120.1551, "accuracy_m": 12.0},
            "check_out": {"at": 1_720_007_200 + n, "latitude": 30.2742, "longitude": 120.1552, "accuracy_m": 9.0},
            "face": {"volunteer": _address(n), "verified_at": 1_720_000_000 + n, "score": 9400,
                     "nonce": f"0x{n:064x}", "signature": "0x" + "ab" * 65},
        })  # fmt: skip
        _EVIDENCE[n] = (bundle, evidence_hash(bundle))
    return _EVIDENCE[n]


def fold(events: list[ChainEvent]) -> ChainState:
    state = ChainState()
    state.apply_all(events)
    return state


def fold_timed(count: int, seed: int, runs: int) -> tuple[Timing, ChainState]:
    """Synthesises the events, then times folding them; they are freed on return."""
    events = synthesise(count, random.Random(seed))
    return timed(runs, lambda: fold(events))


def relay_rows(state: ChainState) -> list[RelayAttestation]:
    """The relay's rows for every attestation, a few of them altered (one minute more)."""
    table, rows = state.attestations, []
    for n in range(len(table)):
        row = table.row(n)
        rows.append(RelayAttestation(
            row["uid"], "confirmed", row["volunteer"], row["activity_id"], row["session"], row["check_in"],
            row["check_out"], row["minutes"], row["evidence_hash"], _evidence(n)[0], row["block"],
        ))  # fmt: skip
    for n in range(0, len(rows), len(rows) // TAMPERED):
        rows[n] = replace(rows[n], minutes=rows[n].minutes + 1)
    return rows


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # this process's CPU time: steady on a busy machine


def timed(runs: int, work: Callable[[], Any]) -> tuple[Timing, Any]:
    timing, result = Timing(), None
    for _ in range(runs):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        timing.cpu.append(time.process_time() - cpu)
        timing.wall.append(time.perf_counter() - wall)
    return timing, result


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attestations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()

    fold_s, state = fold_timed(args.attestations, args.seed, args.runs)
    rows = relay_rows(state)
    stats_s, report = timed(args.runs, lambda: stats_report(state, QUARTER, {}, as_of_block=0))
    reconcile_s, findings = timed(args.runs, lambda: reconcile_relay(
        state.attestations, rows, last_block=10**9, head=lambda: 10**9
    ))  # fmt: skip
    assert len(findings) == TAMPERED, f"expected {TAMPERED} findings, got {len(findings)}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checkpoint.json"
        progress = Progress(1337, {}, 1, 10**6, "0x" + "00" * 32, state)
        save_s, _ = timed(1, lambda: progress.write(path))
        size_mb = path.stat().st_size / 1e6
        load_s, loaded = timed(1, lambda: Progress.load(path))
        assert len(loaded.state.attestations) == args.attestations
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]

    def row(what: str, timing: Timing, per: int) -> str:
        cpu = min(timing.cpu)
        return (f"| {what} | {cpu:.2f} s | {statistics.median(timing.cpu):.2f} s | {min(timing.wall):.2f} s | "
                f"{per / cpu / 1e6:.2f} M | {len(timing.cpu)} |")  # fmt: skip

    totals = report["totals"]
    lines = [
        "# Statistics and audit reconciliation at scale (measured)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} by `scripts/bench_stats.py` on {_cpu()} ({os.cpu_count()} CPUs), "
        f"Python {platform.python_version()}, one process, one core, load average {load:.1f} while it ran "
        "(other jobs shared the machine: CPU time is the steady figure, wall time what a user waited). "
        f"Synthetic data, in memory, in the shape the event scan yields: {args.attestations:,} HoursAttested "
        f"({int(args.attestations * REVOKED_SHARE):,} revoked), {VOLUNTEERS:,} volunteers, {ACTIVITIES:,} "
        f"activities, {ORGANISATIONS} organisations, {CATEGORIES} categories, sessions spread over "
        f"{YEAR.first.year}; {len(rows):,} relay rows with their "
        "canonical evidence JSON. No RPC and no SQL are timed.",
        "",
        "| step | CPU, best | CPU, median | wall, best | rows/s (CPU) | runs |",
        "|---|---:|---:|---:|---:|---:|",
        row("fold the events into the audit state (scan CPU, RPC excluded)", fold_s, args.attestations),
        row(
            f"statistics report for {QUARTER.first}–{QUARTER.last} and the previous quarter", stats_s, args.attestations
        ),  # fmt: skip
        row("reconcile every relay row with the chain (keccak of each evidence bundle)", reconcile_s, len(rows)),
        row("write the scan checkpoint", save_s, args.attestations),
        row("read the scan checkpoint", load_s, args.attestations),
        "",
        f"Checkpoint size: {size_mb:,.0f} MB. Peak memory of the process (data, relay rows and all): "
        f"{peak_mb:,.0f} MB.",
        "",
        f"Sanity: the quarter holds {totals['sessions']:,} standing sessions, {totals['hours']:,.0f} hours, "
        f"{totals['active_volunteers']:,} active volunteers; the reconciliation reported exactly the "
        f"{TAMPERED} relay rows altered on purpose.",
        "",
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
