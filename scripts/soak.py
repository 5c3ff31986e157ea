"""Soak: `make soak` (or `.venv/bin/python scripts/soak.py`) → bench/soak.md.

Proves exactly-once at scale, on this machine: a steady check-in/check-out load on two relay
replicas sharing a scratch PostgreSQL database, while the replicas are SIGKILLed at random (at
least SOAK_KILLS times, each restarted at once), the chain is stopped and started again on its
database (SOAK_CHAIN_RESTARTS), and the replicas' RPC endpoints (asyncio TCP proxies in front of
the chain) drop out and come back. At the end every check-out answered 2xx must be attested on
chain exactly once. Sizes from the environment or the options:

    SOAK_MINUTES=10 SOAK_KILLS=100 SOAK_CHAIN_RESTARTS=2 SOAK_VOLUNTEERS=60 SOAK_SEED=...

The load goes on until both SOAK_MINUTES have passed and SOAK_KILLS are done; then the apps
finish their sessions and the outbox drains. Exits 1 when any verdict fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaos import report  # noqa: E402
from chaos.apps import Apps  # noqa: E402
from chaos.faults import Faults, Plan  # noqa: E402
from chaos.proxy import Endpoint  # noqa: E402
from chaos.tally import Outbox, tally, wait_drained  # noqa: E402

from bench import env, machine, seed  # noqa: E402
from yilian.chain.artifacts import PROJECT_ROOT  # noqa: E402
from yilian.chain.connection import connect  # noqa: E402
from yilian.chain.localchain import LocalChain  # noqa: E402
from yilian.chain.manifest import Manifest  # noqa: E402

REPORT = PROJECT_ROOT / "bench" / "soak.md"
ACTIVITIES = 4
STAY_S = (62.0, 80.0)  # on site: at least a whole minute by the relay's clock, so minutes > 0
RELAY_SETTINGS = {"confirmations": 2, "batch_max_age_s": 0.5}


def options() -> argparse.Namespace:
    def number(name: str, default: float) -> float:
        return float(os.environ.get(name, default))

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=number("SOAK_MINUTES", 10))
    parser.add_argument("--kills", type=int, default=int(number("SOAK_KILLS", 100)))
    parser.add_argument("--chain-restarts", type=int, default=int(number("SOAK_CHAIN_RESTARTS", 2)))
    parser.add_argument("--volunteers", type=int, default=int(number("SOAK_VOLUNTEERS", 60)))
    parser.add_argument("--seed", type=int, default=int(number("SOAK_SEED", random.randrange(2**31))))
    parser.add_argument("--report", type=Path, default=REPORT)
    return parser.parse_args()


async def soak(
    args: argparse.Namespace, chain: LocalChain, manifest: Path, database_url: str, workdir: Path
) -> report.Run:
    started_at, load_before, begun = datetime.now(UTC), machine.uptime(), time.monotonic()
    rng = random.Random(args.seed)
    keys = env.create_keys(database_url)
    endpoints = [Endpoint(chain.port) for _ in range(4)]
    for endpoint in endpoints:
        await endpoint.open()
    replicas = [
        env.relay_process(
            database_url=database_url,
            rpc_url=endpoints[2 * i].url,
            manifest=manifest,
            workdir=workdir,
            settings={**RELAY_SETTINGS, "rpc_urls": f"{endpoints[2 * i].url},{endpoints[2 * i + 1].url}"},
        )  # fmt: skip
        for i in range(2)
    ]
    try:
        await asyncio.gather(*(asyncio.to_thread(replica.start) for replica in replicas))
        api = seed.Api(replicas[0].url, keys)
        seeded = await asyncio.to_thread(
            seed.seed, api, prefix=f"soak-{args.seed}", activities=ACTIVITIES, volunteers=args.volunteers
        )
        await asyncio.to_thread(seed.wait_chain_settled, database_url)
        apps = Apps([r.url for r in replicas], keys, seeded.activities, seeded.volunteers, stay_s=STAY_S, rng=rng)
        plan = Plan(duration_s=args.minutes * 60, kills=args.kills, chain_restarts=args.chain_restarts)
        outbox = Outbox(database_url)
        faults = Faults(chain, replicas, endpoints, plan, rng, outbox.in_flight)
        started = time.monotonic()
        print(f"soak: load and faults for {args.minutes:g} min, at least {args.kills} kills", flush=True)
        await asyncio.gather(faults.run(started), apps.run(lambda: not faults.done(started)))
        load_s = time.monotonic() - started
        print(f"soak: load stopped after {load_s / 60:.1f} min; draining", flush=True)
        w3, deployment = connect(chain.rpc_url, timeout=30), Manifest.load(manifest)
        told = apps.record.checked_out
        drain_s = await asyncio.to_thread(wait_drained, told, w3, deployment, database_url, 600)
        outcome = await asyncio.to_thread(tally, told, w3, deployment, database_url)
        outbox.engine.dispose()
    finally:
        for replica in replicas:
            replica.stop()
        for endpoint in endpoints:
            await endpoint.close()
    return report.Run(
        command="scripts/soak.py" + _sizes(args), started=started_at, seed=args.seed,
        volunteers=args.volunteers, activities=ACTIVITIES, machine=machine.describe(), load_before=load_before,
        load_after=machine.uptime(), total_s=time.monotonic() - begun, load_s=load_s, drain_s=drain_s,
        faults=faults, apps=apps.record, tally=outcome,
    )  # fmt: skip


def _sizes(args: argparse.Namespace) -> str:
    return (
        f" (minutes {args.minutes:g}, kills ≥ {args.kills}, chain restarts {args.chain_restarts}, "
        f"volunteers {args.volunteers})"
    )


def main() -> None:
    args = options()
    # Stopped from outside (a SIGTERM): unwind, so the replicas, the chain and the database go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not env.postgres_available():
        sys.exit(f"soak: PostgreSQL does not answer at {env.POSTGRES_ADMIN_URL} (YILIAN_TEST_POSTGRES)")
    with tempfile.TemporaryDirectory(prefix="yilian-soak-") as folder:
        workdir = Path(folder)
        with (
            env.local_chain("ganache", workdir, block_time=1, db_path=workdir / "chain") as (chain, manifest),
            env.scratch_database("postgresql", workdir) as database_url,
        ):
            run = asyncio.run(soak(args, chain, manifest, database_url, workdir))
    print(report.write(run, args.report))
    sys.exit(0 if run.ok else 1)


if __name__ == "__main__":
    main()
