"""bench/soak.md: the run's figures and its verdicts, each printed with ✓/✗."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .apps import AppRecord
from .faults import Faults
from .tally import Tally


@dataclass
class Run:
    command: str
    started: datetime
    seed: int
    volunteers: int
    activities: int
    machine: str
    load_before: str
    load_after: str
    total_s: float  # replicas started, seeding, load, drain and tally
    load_s: float  # first request → the last app's last answer
    drain_s: float  # load stopped → outbox empty and every told uid on chain
    faults: Faults
    apps: AppRecord
    tally: Tally

    def verdicts(self) -> list[tuple[bool, str]]:
        t, f, a = self.tally, self.faults, self.apps
        return [
            (t.told > 0, f"{t.told} check-outs answered 2xx with an attestation"),
            (not t.lost, f"lost {len(t.lost)}: every check-out answered 2xx is attested on chain"),
            (not t.doubled, f"doubled {len(t.doubled)}: no uid attested twice"),
            (not t.strays and not t.untold, f"strays {len(t.strays)}, untold {len(t.untold)}: "
             "nothing on chain or in the database that no app was told of"),
            (not t.unconfirmed, f"unconfirmed {len(t.unconfirmed)}: the database says confirmed for each"),
            (not t.minutes_off, f"minutes off {len(t.minutes_off)}: the chain attests the minutes the app was told"),
            (a.unanswered == 0, f"unanswered {a.unanswered}: every retried request got its answer"),
            (f.kills >= f.plan.kills, f"{f.kills} SIGKILLs (at least {f.plan.kills})"),
            (f.chain_restarts >= 1, f"{f.chain_restarts} chain restarts (at least 1)"),
            (f.drops >= 1, f"{f.drops} RPC endpoint drops (at least 1)"),
        ]  # fmt: skip

    @property
    def ok(self) -> bool:
        return all(good for good, _ in self.verdicts())


def write(run: Run, path: Path) -> str:
    t, f, a = run.tally, run.faults, run.apps
    restarts = sorted(f.restart_s)
    median_restart = restarts[len(restarts) // 2] if restarts else float("nan")
    rows = [
        ("whole run (replicas, seeding, load, drain, tally)", f"{run.total_s / 60:.1f} min"),
        ("load with faults (first request → last answer)", f"{run.load_s / 60:.1f} min"),
        ("volunteers × activities", f"{run.volunteers} × {run.activities}"),
        ("requests sent (every attempt)", f"{a.requests}"),
        ("check-ins answered 201", f"{a.check_ins}"),
        ("check-outs answered 200 with an attestation", f"{t.told}"),
        ("of those confirmed on chain (HoursAttested)", f"{t.confirmed}"),
        ("lost / doubled", f"{len(t.lost)} / {len(t.doubled)}"),
        ("SIGKILLs of a replica (each restarted)", f"{f.kills} (kill → serving again: median {median_restart:.1f} s)"),
        ("of them with attestations in the outbox, not yet confirmed", f"{f.kills_in_flight}"),
        ("chain stopped and restarted", f"{f.chain_restarts}"),
        ("RPC endpoint drops", f"{f.drops}"),
        ("requests answered only after retries", f"{a.retried} (of them after a 503: {a.answered_after_503})"),
        ("longest wait for an answer", f"{a.longest_s:.1f} s"),
        ("time to drain after the load stopped", f"{run.drain_s:.1f} s"),
        ("the relay's attestations by status", ", ".join(f"{k} {v}" for k, v in sorted(t.db_statuses.items()))),
        (
            "its attestBatch transactions by status",
            ", ".join(f"{k} {v}" for k, v in sorted(t.batches.items())) + f" ({t.replaced} re-signed at a higher fee)",
        ),
    ]
    lines = [
        "# Soak: exactly once under SIGKILLs, chain restarts and RPC endpoint drops",
        "",
        f"Run {run.started:%Y-%m-%d %H:%M} UTC: `{run.command}` (seed {run.seed}); {run.machine}.",
        f"Load average before: `{run.load_before}`; after: `{run.load_after}` (a shared machine).",
        "",
        "Two `yilian relay serve` replicas share a scratch PostgreSQL database, each running the outbox",
        "worker, each with two RPC endpoints: TCP proxies in front of one ganache (a block a second, its",
        "chain on disk). Volunteer apps check in, stay a minute or so and check out, at either replica;",
        "a request that meets a dropped connection or a 5xx is sent again with the same Idempotency-Key.",
        "Meanwhile replicas are SIGKILLed and restarted, the chain is stopped and started again, and",
        "endpoints drop out. After the load: every check-out answered 2xx is counted in the chain's",
        "HoursAttested events per uid, and held against the relay's database.",
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "Answers by status (every attempt; a 503 or no answer is retried with the same key):",
        "",
        "| request | answers |",
        "|---|---|",
        *(f"| {name} | {count} |" for name, count in sorted(a.attempts.items())),
        "",
        "Final refusals (4xx, not retried): "
        + (", ".join(f"{k}: {v}" for k, v in sorted(a.refused.items())) or "none")
        + ".",
        "",
        *(f"- {'✓' if good else '✗'} {text}" for good, text in run.verdicts()),
        "",
    ]
    text = "\n".join(lines)
    path.write_text(text)
    return text
