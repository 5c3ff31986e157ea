"""`yilian stats`: volunteers, activities, hours and 益币 over a period, from the chain's events."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from yilian.audit.progress import scan
from yilian.audit.relay_records import organisation_names, relay_session
from yilian.audit.scanner import DEFAULT_CHUNK, EventScanner
from yilian.chain.yicoin import format_yicoin
from yilian.cli.chain_options import (
    DEFAULT_MANIFEST,
    DEFAULT_RPC_URL,
    ManifestPath,
    Poa,
    RpcUrl,
    fail,
    failures_exit_2,
    open_chain,
)
from yilian.stats.period import Period
from yilian.stats.report import stats_report


def _amount(units: int) -> str:
    return format_yicoin(units, unit=False)  # the label says 益币


ROWS = (
    ("registered volunteers", "registered_volunteers", str),
    ("new volunteers", "new_volunteers", str),
    ("active volunteers", "active_volunteers", str),
    ("activities with service", "activities", str),
    ("sessions", "sessions", str),
    ("hours", "minutes", lambda minutes: f"{minutes / 60:.2f}"),
    ("revoked sessions", "revoked_sessions", str),
    ("益币 issued", "yicoin_issued", _amount),
    ("益币 redeemed", "yicoin_redeemed", _amount),
    ("益币 settled", "yicoin_settled", _amount),
)


def stats(
    period_from: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (China time).")
    ] = None,
    period_to: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default today).")
    ] = None,
    relay_db: Annotated[str | None, typer.Option(help="The relay's database: organisation names.")] = None,
    rpc_url: RpcUrl = DEFAULT_RPC_URL,
    manifest: ManifestPath = DEFAULT_MANIFEST,
    poa: Poa = False,
    checkpoint: Annotated[
        Path | None, typer.Option(help="The scan's progress file (shared with `yilian audit`).")
    ] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Blocks per eth_getLogs.")] = DEFAULT_CHUNK,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Volunteers, activities, hours and 益币 over a period (default: the 30 days ending today),
    growth against the previous equal period, by organisation and by category."""
    try:
        period = Period.asked(period_from and period_from.date(), period_to and period_to.date(), now=time.time())
    except ValueError as error:
        fail(str(error))
    w3, deployment = open_chain(rpc_url, manifest, poa)
    with failures_exit_2():
        progress, _ = scan(EventScanner(w3, deployment, chunk_size=chunk_size), checkpoint=checkpoint)
        names: dict[int, str] = {}
        if relay_db is not None:
            with relay_session(relay_db) as db:
                names = organisation_names(db)
    report = stats_report(progress.state, period, names, progress.last_block)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print(report)


def _print(report: dict[str, Any]) -> None:
    now, before, growth = report["totals"], report["previous_totals"], report["growth_percent"]
    period, previous = report["period"], report["previous_period"]
    typer.echo(
        f"{period['from']} – {period['to']} ({period['days']} days) against {previous['from']} – "
        f"{previous['to']}, as of block {report['as_of_block']}"
    )
    typer.echo(f"  {'':<24}{'period':>12}{'previous':>12}{'growth':>10}")
    for label, key, show in ROWS:
        change = growth.get(key)
        change_text = "—" if change is None else f"{change:+.1f}%"
        typer.echo(f"  {label:<24}{show(now[key]):>12}{show(before[key]):>12}{change_text:>10}")
    for title, rows, key in (
        ("by organisation", report["by_organisation"], "organisation_id"),
        ("by category", report["by_category"], "category"),
    ):
        typer.echo(title + ":")
        for row in rows:
            name = f" {row['name']}" if row.get("name") else ""
            typer.echo(
                f"  {row[key]}{name}: {row['sessions']} sessions, {row['hours']:.2f} h, "
                f"{row['volunteers']} volunteers, {row['activities']} activities"
            )
