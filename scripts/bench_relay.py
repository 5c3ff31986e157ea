"""Relay benchmark: `make bench-relay` (or `.venv/bin/python scripts/bench_relay.py`) → bench/relay.md.

Measures, on this machine, in one run:
1. the check-in/check-out API: the relay as a real server (`yilian relay serve`: uvicorn, one
   process, the outbox worker in it; `--workers N`: uvicorn with N processes), on SQLite and on
   PostgreSQL (a scratch database, when YILIAN_TEST_POSTGRES answers); wrk (C, Lua script
   scripts/bench/relay.lua) on loopback at a fixed concurrency, every request a distinct, valid
   check-in or check-out (pre-generated: FakeFaceProvider(DEV_FACE_PROVIDER_KEY) assertions,
   venue sign-in codes read from the organiser API, an Idempotency-Key each);
2. attestation signing on one core: FastSigner and the relay's `sign_attestation`, against
   eth-account's generic EIP-712 encoding (signatures compared byte for byte);
3. check-out → confirmed: a burst of check-outs on Anvil, followed until every
   attestation is settled, then HoursAttested logs counted per uid (0 lost, 0 doubled); and on
   ganache the relay's rate against the chain's own rate for the same attestBatch transactions
   pre-signed and sent raw.
Volunteers, organisations and activities are seeded through the API before any timing.
Only measured numbers are written; the load average is recorded around every timed part,
since other work on the machine depresses them.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select  # noqa: E402

from bench import e2e, env, load, machine, seed, signing  # noqa: E402
from yilian.chain.artifacts import PROJECT_ROOT  # noqa: E402
from yilian.chain.connection import connect  # noqa: E402
from yilian.chain.manifest import Manifest  # noqa: E402
from yilian.relay.db.models import Attestation, ChainTx  # noqa: E402
from yilian.relay.db.session import make_engine, make_sessionmaker  # noqa: E402

REPORT = PROJECT_ROOT / "bench" / "relay.md"
TARGET_RPS, TARGET_P99_MS = 500, 100
TARGET_SIGN = 2000
TARGET_E2E, TARGET_BURST_S = 500, 30
TARGET_GANACHE = 0.90


@dataclass
class ApiRun:
    database: str
    server: str
    result: load.WrkResult
    server_cpu_s: float
    volunteers: int
    sessions: int
    load_before: str
    load_after: str


@dataclass
class BurstRun:
    chain: str
    database: str
    batch: int
    outcome: e2e.Burst
    load_before: str
    load_after: str
    raw: e2e.RawRate | None = None
    drain: bool = False  # stored with no worker running, then the relay started over them


@dataclass
class Report:
    args: argparse.Namespace
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load_start: str = field(default_factory=machine.uptime)
    signing: signing.SigningResult | None = None
    signing_load: str = ""
    api: list[ApiRun] = field(default_factory=list)
    bursts: list[BurstRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_idle(database_url: str, timeout_s: float = 600) -> None:
    """Until the outbox is empty and no submitter transaction is open."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with sessions() as session:
                busy = session.scalar(select(func.count()).where(Attestation.status.in_(e2e.OPEN)))
                busy += session.scalar(select(func.count()).where(ChainTx.status.in_(("sent", "mined"))))
            if not busy:
                return
            time.sleep(0.5)
        raise TimeoutError("the relay did not become idle")
    finally:
        engine.dispose()


def wait_since(at: float, seconds: float) -> None:
    remaining = at + seconds - time.time()
    if remaining > 0:
        time.sleep(remaining)


def run_database(kind: str, chain, manifest_path: Path, args, workdir: Path, report: Report) -> None:  # type: ignore[no-untyped-def]  # noqa: PLR0915 - one run, step by step
    """API run, then (on the burst databases) the burst and the worker drain, on one database.
    The API run and the burst use different volunteers: a timed run ends mid-session."""
    manifest = Manifest.load(manifest_path)
    w3 = connect(chain.rpc_url, timeout=60)
    n_api = args.api_volunteers if "api" in args.parts else 0
    n_burst = args.burst if kind in args.burst_databases else 0
    # PostgreSQL serves several relay processes: the API part again with uvicorn --workers N.
    more = args.postgres_workers if kind == "postgresql" and args.postgres_workers > 1 and n_api else 0
    n_apis = n_api * (2 if more else 1)
    with env.scratch_database(kind, workdir) as url:
        keys = env.create_keys(url)
        settings = {"batch_max_size": args.batch_size}
        options = dict(database_url=url, rpc_url=chain.rpc_url, manifest=manifest_path, workdir=workdir,
                       workers=args.workers)  # fmt: skip
        with env.relay_server(**options, settings=settings) as server:  # type: ignore[arg-type]
            api = seed.Api(server.url, keys)
            log(f"{kind}: seeding {args.activities} activities and {n_apis + n_burst} volunteers through the API")
            started = time.time()
            seeded = seed.seed(api, prefix=f"{kind}-{uuid.uuid4().hex[:6]}", activities=args.activities,
                               volunteers=n_apis + n_burst)  # fmt: skip
            seed.wait_chain_settled(url)
            log(f"{kind}: seeded in {time.time() - started:.0f} s")
            if n_api:
                api_run(kind, server, api, seed.Seeded(seeded.activities, seeded.volunteers[:n_api]), args,
                        workdir, report)  # fmt: skip
            if more:
                wait_idle(url)
                with env.relay_server(**{**options, "workers": more}, settings=settings) as several:  # type: ignore[arg-type]
                    part = seed.Seeded(seeded.activities, seeded.volunteers[n_api:n_apis])
                    api_run(kind, several, seed.Api(several.url, keys), part, args, workdir, report)
            if not n_burst:
                return
            wait_idle(url)
            burst_part = seed.Seeded(seeded.activities, seeded.volunteers[n_apis:])
            log(f"{kind}: opening {n_burst} check-ins (untimed)")
            plan = e2e.open_check_ins(api, burst_part, workdir, name=f"{kind}-burst", connections=args.connections)
            wait_since(time.time(), 61)  # the last check-ins need a whole minute of service
            wait_idle(url)
            log(f"{kind}: burst of {n_burst} check-outs on anvil")
            before = machine.uptime()
            outcome = e2e.burst(api, url, w3, manifest, plan, connections=args.connections,
                                timeout_s=args.burst_timeout)  # fmt: skip
            report.bursts.append(BurstRun("anvil", kind, args.batch_size, outcome, before, machine.uptime()))
            log(f"{kind}: {outcome.confirmed} confirmed in {outcome.elapsed_s or float('nan'):.1f} s "
                f"({outcome.rate or 0:.0f}/s); lost {outcome.lost}, doubled {outcome.doubled}")  # fmt: skip
        if "drain" not in args.parts:
            return
        # The worker alone: the same volunteers check in and out again with no worker running,
        # then the relay starts with its worker over the full outbox.
        with env.relay_server(**options, settings={**settings, "run_worker": "false"}) as server:  # type: ignore[arg-type]
            api = seed.Api(server.url, keys)
            log(f"{kind}: {n_burst} more sessions checked in and out with no worker running")
            plan = e2e.open_check_ins(api, burst_part, workdir, name=f"{kind}-drain", connections=args.connections)
            wait_since(time.time(), 61)
            sent = e2e.send_checkouts(api, url, w3, plan, connections=args.connections)
        log(f"{kind}: relay started over {sent.expected} signed attestations")
        before, started = machine.uptime(), time.time()
        with env.relay_server(**options, settings=settings):  # type: ignore[arg-type]
            outcome = e2e.settle(sent, url, w3, manifest, started=started, timeout_s=args.burst_timeout)
        run = BurstRun("anvil", kind, args.batch_size, outcome, before, machine.uptime(), drain=True)
        report.bursts.append(run)
        log(f"{kind}: drained {outcome.confirmed} in {outcome.elapsed_s or float('nan'):.1f} s from start "
            f"({outcome.drain_rate or 0:.0f}/s from the first batch); "
            f"lost {outcome.lost}, doubled {outcome.doubled}")  # fmt: skip
        # The chain's own rate for the same kind of batches (these volunteers' third session),
        # pre-signed and sent raw, with the relay stopped.
        now = int(w3.eth.get_block("latest")["timestamp"])
        addresses = [address for _, address in burst_part.volunteers]
        run.raw = e2e.raw_rate(
            w3, manifest, addresses, burst_part.activities, batch=args.batch_size, now=now, session=2
        )
        log(f"{kind}: anvil's own rate for raw batches of {args.batch_size}: {run.raw.rate:.0f}/s")


def api_run(kind: str, server, api: seed.Api, part: seed.Seeded, args, workdir: Path, report: Report) -> None:  # type: ignore[no-untyped-def]
    at, codes = seed.signin_codes(api, part.activities)
    plan = workdir / f"{kind}-mixed-{uuid.uuid4().hex[:6]}.tsv"
    planned = seed.write_checkin_plan(plan, part, sessions=args.sessions, at=at, codes=codes, checkout_after_s=120)
    log(f"{kind}: API, {planned} check-ins planned, {args.connections} connections, up to {args.duration} s")
    before, cpu0 = machine.uptime(), machine.cpu_seconds(server.process.pid)
    result = load.run_wrk(server.url, mode="mixed", plan=plan, key=api.keys["app"],
                          connections=args.connections, duration_s=args.duration)  # fmt: skip
    cpu = machine.cpu_seconds(server.process.pid) - cpu0
    report.api.append(ApiRun(kind, server.command, result, cpu, len(part.volunteers), args.sessions, before,
                             machine.uptime()))  # fmt: skip
    log(f"{kind}: {result.rate:.0f} req/s, p50 {result.latency_ms('p50'):.0f} ms, "
        f"p99 {result.latency_ms('p99'):.0f} ms, errors {result.stats['http_err']}, "
        f"server CPU {cpu * 1000 / max(1, result.requests):.1f} ms/request")  # fmt: skip
    if result.stats["fillers"]:
        report.notes.append(
            f"{kind}: the plan ran out before the {args.duration} s were over "
            f"({result.stats['fillers']} GET /healthz fillers sent meanwhile; excluded from req/s, "
            "included in the latency percentiles)."
        )


def run_ganache(args, workdir: Path, report: Report) -> None:  # type: ignore[no-untyped-def]
    n = args.ganache_burst
    with env.local_chain("ganache", workdir) as (chain, manifest_path):
        manifest = Manifest.load(manifest_path)
        w3 = connect(chain.rpc_url, timeout=120)
        with env.scratch_database("sqlite", workdir) as url:
            keys = env.create_keys(url)
            with env.relay_server(
                database_url=url, rpc_url=chain.rpc_url, manifest=manifest_path, workdir=workdir,
                settings={"batch_max_size": args.ganache_batch},
            ) as server:  # fmt: skip
                api = seed.Api(server.url, keys)
                log(f"ganache: seeding {2 * n} volunteers (half for the relay, half for the raw batches)")
                # One registration at a time: ganache's instamine holds an eth_sendRawTransaction whose
                # nonce is ahead (a concurrent registration broadcast first) until the gap fills.
                seeded = seed.seed(api, prefix=f"ganache-{uuid.uuid4().hex[:6]}", activities=args.activities,
                                   volunteers=2 * n, threads=1)  # fmt: skip
                seed.wait_chain_settled(url)
                relay_half = seed.Seeded(seeded.activities, seeded.volunteers[:n])
                plan = e2e.open_check_ins(api, relay_half, workdir, name="ganache", connections=args.connections)
                wait_since(time.time(), 61)
                wait_idle(url)
                log(f"ganache: burst of {n} check-outs")
                before = machine.uptime()
                outcome = e2e.burst(api, url, w3, manifest, plan, connections=args.connections,
                                    timeout_s=args.burst_timeout * 10)  # fmt: skip
                after = machine.uptime()
        # The relay is stopped: nothing else sends while the raw batches go out.
        raw_volunteers = [address for _, address in seeded.volunteers[n:]]
        log(f"ganache: {n} attestations in pre-signed raw batches of {args.ganache_batch}")
        now = int(w3.eth.get_block("latest")["timestamp"])
        raw = e2e.raw_rate(w3, manifest, raw_volunteers, seeded.activities, batch=args.ganache_batch, now=now)
        report.bursts.append(BurstRun("ganache", "sqlite", args.ganache_batch, outcome, before, after, raw))
        log(f"ganache: relay {outcome.rate or 0:.1f}/s, raw {raw.rate:.1f}/s")


# --- the report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(report: Report, command: str) -> str:
    a = report.args
    lines = [
        "# Relay throughput and latency (measured)",
        "",
        f"Measured {report.started:%Y-%m-%d %H:%M} UTC by `{command}` on {machine.describe()}.",
        f"Load when the run started: `{report.load_start}`; at the end: `{machine.uptime()}`.",
        "Other work shared this machine during the run (see the load averages next to every timed part):",
        "numbers are for this machine at that load, not the relay's ceiling.",
        "",
    ]
    if report.api:
        lines += [
            "## 1. Check-in / check-out API",
            "",
            f"Every request a distinct, valid call with an Idempotency-Key: {a.api_volunteers} volunteers, each "
            f"checking in (face assertion, sign-in code, geofence) and out ({120 // 60}-minute sessions, "
            f"attestation signed and stored in the outbox) up to {a.sessions} times, across {a.activities} "
            f"activities; wrk, 2 threads, {a.connections} connections, "
            f"up to {a.duration} s; the outbox worker runs in the server meanwhile (Anvil).",
            "",
            "| database | server | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors "
            "| server CPU ms/req | load before → after |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for run in report.api:
            r = run.result
            errors = r.stats["http_err"] + sum(r.stats["errors"].values())
            lines.append(
                f"| {run.database} | `{run.server}` | {r.requests} "
                f"({r.stats['ci_ok']} in, {r.stats['co_ok']} out) | {r.rate:.0f} | {r.latency_ms('p50'):.1f} | "
                f"{r.latency_ms('p90'):.1f} | {r.latency_ms('p99'):.1f} | {r.latency_ms('max'):.0f} | {errors} | "
                f"{run.server_cpu_s * 1000 / max(1, r.requests):.2f} | "
                f"{_load(run.load_before)} → {_load(run.load_after)} |"
            )
        lines += [""]
        for run in report.api:
            ok = run.result.rate >= TARGET_RPS and run.result.latency_ms("p99") < TARGET_P99_MS
            lines.append(
                f"- {run.database}: target ≥ {TARGET_RPS} req/s with p99 < {TARGET_P99_MS} ms: {verdict(ok)} "
                f"({run.result.rate:.0f} req/s, p99 {run.result.latency_ms('p99'):.0f} ms)."
            )
        lines += [""]
    if report.signing:
        s = report.signing
        lines += [
            "## 2. Attestation signing (one core, one thread)",
            "",
            f"Random attestations, the ledger's domain; load before: `{_load(report.signing_load)}`.",
            "",
            "| path | attestations | per second |",
            "|---|---:|---:|",
            f"| `FastSigner.sign_attestation` (hand-rolled digest, coincurve) | {s.count} | {s.fast_per_s:,.0f} |",
            f"| relay: `services.outbox.sign_attestation` on stored rows | {s.count} | {s.relay_per_s:,.0f} |",
            f"| eth-account `Account.sign_typed_data` (generic EIP-712) | {s.reference_count} "
            f"| {s.reference_per_s:,.0f} |",
            "",
            f"Signatures byte-identical to eth-account's for the {s.reference_count} compared: "
            f"{'yes' if s.identical else 'NO'}; target ≥ {TARGET_SIGN}/s: {verdict(s.relay_per_s >= TARGET_SIGN)}. "
            "tests/backend/test_eip712.py and tests/backend/relay/test_fast_signing.py prove the equality.",
            "",
        ]
    if report.bursts:
        lines += ["## 3. Check-out → confirmed on chain", ""]
        for run in report.bursts:
            lines += render_burst(run)
    if report.notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in report.notes] + [""]
    lines += [
        "## Settings of this run",
        "",
        f"- relay: `{'yilian relay serve' if a.workers == 1 else f'uvicorn --workers {a.workers}'}`, "
        f"worker settings default except batch_max_size {a.batch_size} (Anvil) / {a.ganache_batch} (ganache); "
        "poll_interval_s 0.2, batch_max_age_s 1.0, confirmations 1.",
        "- chains: Anvil and ganache from node_modules (london, chain 1337, automine: a block per transaction).",
        f"- arguments: `{' '.join(shlex.quote(x) for x in sys.argv[1:]) or '(defaults)'}`",
        "",
    ]
    return "\n".join(lines)


def render_burst(run: BurstRun) -> list[str]:
    o = run.outcome
    lat = e2e.summary_ms(o.latencies_s)
    sizes = o.batch_sizes
    if run.drain:
        title = f"### Worker alone: the outbox drained ({run.chain}, {run.database}, batches of up to {run.batch})"
        intro = [
            f"{o.checkouts} check-outs stored and signed while the relay ran without its worker "
            f"(`YILIAN_RUN_WORKER=false`); then `yilian relay serve` started over the full outbox.",
        ]
        timing = [
            f"| relay process started → last attestation confirmed | {_num(o.elapsed_s, '.1f')} s "
            f"({_num(o.rate, '.1f')}/s) |",
            f"| worker: first batch recorded → last confirmed | {_num(o.drain_s, '.1f')} s |",
            f"| worker rate | {_num(o.drain_rate, '.1f')} attestations/s |",
        ]
    else:
        title = f"### Burst: {run.chain}, {run.database}, batches of up to {run.batch}"
        intro = [
            f"{o.checkouts} volunteers checked in beforehand (untimed); their check-outs sent at once "
            "(wrk, same concurrency) to `yilian relay serve`, whose worker batches and submits meanwhile."
        ]
        timing = [
            f"| API: check-outs answered | {o.api.requests} in {o.api.duration_s:.1f} s ({o.api.rate:.0f}/s), "
            f"p50 {o.api.latency_ms('p50'):.0f} ms, p99 {o.api.latency_ms('p99'):.0f} ms |",
            f"| first check-out sent → last attestation confirmed | {_num(o.elapsed_s, '.1f')} s |",
            f"| end-to-end rate | {_num(o.rate, '.1f')} attestations/s |",
        ]
    lines = [title, "", *intro, f"Load before → after: {_load(run.load_before)} → {_load(run.load_after)}.", ""]
    lines += [
        "| measure | value |",
        "|---|---:|",
        f"| attestations (check-outs with minutes) | {o.checkouts} |",
        *timing,
        f"| check-out stored → confirmed, p50 / p99 | {lat[0] / 1000:.1f} s / {lat[1] / 1000:.1f} s |",
        f"| attestBatch transactions (items min / median / max) | {o.chain_txs} "
        f"({sizes[0] if sizes else 0} / {sizes[len(sizes) // 2] if sizes else 0} / {sizes[-1] if sizes else 0}) |",
        f"| database statuses | {', '.join(f'{k} {v}' for k, v in sorted(o.statuses.items()))} |",
        f"| HoursAttested logs per uid (eth_getLogs) | "
        f"{', '.join(f'{n} uids × {times}' for times, n in sorted(o.events_per_uid.items()))} |",
        f"| lost / doubled / logs for other uids | {o.lost} / {o.doubled} / {o.extra_events} |",
    ]
    exact = o.lost == 0 and o.doubled == 0 and o.extra_events == 0 and o.confirmed == o.checkouts
    if run.raw:
        raw = run.raw
        lines += [
            f"| chain's own rate: {raw.transactions} pre-signed attestBatch txs of {raw.batch} sent raw | "
            f"{raw.rate:.1f} attestations/s ({raw.elapsed_s:.1f} s, {raw.gas_per_item:,.0f} gas each) |",
            f"| relay / raw | {((o.drain_rate if run.drain else o.rate) or 0) / raw.rate:.0%} |",
        ]
    lines += [""]
    if run.drain:
        lines.append(f"Worker ≥ {TARGET_E2E} attestations/s: {verdict((o.drain_rate or 0) >= TARGET_E2E)}; "
                     f"0 lost and 0 doubled {verdict(exact)}.")  # fmt: skip
    elif run.chain == "anvil":
        ok_burst = o.elapsed_s is not None and o.elapsed_s <= TARGET_BURST_S and not o.timed_out
        lines.append(
            f"Targets: ≥ {TARGET_E2E} attestations/s {verdict((o.rate or 0) >= TARGET_E2E)}; the burst confirmed "
            f"within {TARGET_BURST_S} s {verdict(ok_burst)}; 0 lost and 0 doubled {verdict(exact)}."
        )
    else:
        ratio = (o.rate or 0) / run.raw.rate if run.raw else 0
        lines.append(f"Target ≥ {TARGET_GANACHE:.0%} of the chain's own rate: {verdict(ratio >= TARGET_GANACHE)}; "
                     f"0 lost and 0 doubled {verdict(exact)}.")  # fmt: skip
    return [*lines, ""]


def _load(uptime: str) -> str:
    return uptime.rsplit("load average:", 1)[-1].strip() if "load average" in uptime else uptime


def _num(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the benchmark itself")
    parser.add_argument("--parts", default="api,signing,burst,drain,ganache", help="which parts to run")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--burst-databases", default="sqlite", help="databases the Anvil burst runs on")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=30, help="API run length bound, seconds")
    parser.add_argument("--api-volunteers", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=8, help="check-in bodies per volunteer (≤ 16)")
    parser.add_argument("--activities", type=int, default=20)
    parser.add_argument("--burst", type=int, default=10_000, help="check-outs in the Anvil burst")
    parser.add_argument("--burst-timeout", type=float, default=300)
    parser.add_argument("--batch-size", type=int, default=100, help="batch_max_size on Anvil")
    parser.add_argument("--ganache-burst", type=int, default=1000)
    parser.add_argument("--ganache-batch", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="1: yilian relay serve; N: uvicorn --workers N")
    parser.add_argument(
        "--postgres-workers", type=int, default=2, help="on PostgreSQL, the API part again with uvicorn --workers N"
    )
    parser.add_argument("--signatures", type=int, default=20_000)
    parser.add_argument("--output", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    # A SIGTERM unwinds like Ctrl-C: servers, chains and scratch databases are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.api_volunteers, args.sessions, args.duration = 100, 4, 10
        args.burst, args.ganache_burst, args.signatures = 300, 150, 3000
    parts = args.parts = set(args.parts.split(","))
    args.burst_databases = set(args.burst_databases.split(",")) if "burst" in parts else set()
    if not load.wrk_available():
        sys.exit("wrk is needed: apt-get install -y wrk")
    report = Report(args)
    workdir = Path(tempfile.mkdtemp(prefix="yilian-bench-relay-"))
    log(f"work directory {workdir}; {report.load_start}")

    if "signing" in parts:
        report.signing_load = machine.uptime()
        report.signing = signing.measure(args.signatures, min(1000, args.signatures))
        log(f"signing: FastSigner {report.signing.fast_per_s:,.0f}/s, relay {report.signing.relay_per_s:,.0f}/s, "
            f"eth-account {report.signing.reference_per_s:,.0f}/s")  # fmt: skip
    databases = [db for db in args.databases.split(",") if db]
    if "postgresql" in databases and not env.postgres_available():
        report.notes.append(f"PostgreSQL was not reachable at {env.POSTGRES_ADMIN_URL}: not measured.")
        databases.remove("postgresql")
    if "api" in parts or args.burst_databases:
        with env.local_chain("anvil", workdir) as (chain, manifest_path):
            for kind in databases:
                if "api" in parts or kind in args.burst_databases:
                    run_database(kind, chain, manifest_path, args, workdir, report)
    if "ganache" in parts:
        run_ganache(args, workdir, report)

    command = "python scripts/bench_relay.py " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:]))
    text = render(report, command.strip())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
