"""`yilian audit`: rebuild everything from the contracts' events and reconcile it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yilian.audit.rpc import DEFAULT_BATCH
from yilian.audit.run import AuditReport, run_audit
from yilian.audit.scanner import DEFAULT_CHUNK
from yilian.chain.yicoin import format_yicoin
from yilian.cli.chain_options import (
    DEFAULT_MANIFEST,
    DEFAULT_RPC_URL,
    EXIT_FINDINGS,
    ManifestPath,
    Poa,
    RpcUrl,
    failures_exit_2,
    open_chain,
)


def audit(
    rpc_url: RpcUrl = DEFAULT_RPC_URL,
    manifest: ManifestPath = DEFAULT_MANIFEST,
    poa: Poa = False,
    relay_db: Annotated[
        str | None,
        typer.Option(help="The relay's database URL: its records are reconciled too."),
    ] = None,
    from_block: Annotated[int | None, typer.Option(help="Default: the deployment block.")] = None,
    to_block: Annotated[int | None, typer.Option(help="Default: the chain's head.")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Blocks per eth_getLogs.")] = DEFAULT_CHUNK,
    rpc_batch: Annotated[int, typer.Option(min=1, help="Reads per JSON-RPC batch.")] = DEFAULT_BATCH,
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="Progress file: saved as the scan goes, continued by the next run."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Directory for events.csv, volunteers.csv, findings.json…")] = None,
    show: Annotated[int, typer.Option(help="Findings to print (all are in findings.json).")] = 50,
) -> None:
    """Reads every event of the four contracts, rebuilds minutes, balances, redemptions,
    settlements and revocations from them alone, and compares the result with the contracts'
    state and, with --relay-db, with the relay's records. Exit 0 clean, 1 findings, 2 error."""
    w3, deployment = open_chain(rpc_url, manifest, poa)
    with failures_exit_2():
        report = run_audit(
            w3, deployment, relay_db=relay_db, from_block=from_block, to_block=to_block,
            chunk_size=chunk_size, rpc_batch=rpc_batch, checkpoint=checkpoint, out=out,
        )  # fmt: skip
    _print(report, relay_db is not None, show)
    if not report.clean:
        raise typer.Exit(EXIT_FINDINGS)


def _print(report: AuditReport, relay_asked: bool, show: int) -> None:
    summary = report.summary()
    typer.echo(
        f"chain {summary['chain_id']}, blocks {summary['from_block']}–{summary['to_block']}: "
        f"{summary['events_read_this_run']} events read by this run"
    )
    typer.echo(
        f"  {summary['volunteers_registered']} volunteers, {summary['attestations']} attestations "
        f"({summary['attestations_revoked']} revoked), {summary['minutes']} minutes; "
        f"supply {format_yicoin(summary['yicoin_total_supply'])}, redeemed "
        f"{format_yicoin(summary['yicoin_redeemed'])}, settled {format_yicoin(summary['yicoin_settled'])}"
    )
    if not report.full_history:
        typer.echo("  the range starts after the deployment: not compared with the contracts or the relay")
    elif relay_asked:
        typer.echo("  compared with the contracts' state and with the relay's records")
    else:
        typer.echo("  compared with the contracts' state (give --relay-db to check the relay too)")
    typer.echo(report.verdict)
    for finding in report.findings[:show]:
        typer.echo(f"  {finding.line()}")
    if len(report.findings) > show:
        typer.echo(f"  … and {len(report.findings) - show} more (see findings.json with --out)")
