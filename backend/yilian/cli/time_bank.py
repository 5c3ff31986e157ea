"""`yilian time-bank`: banked hours as the chain has them, for the bank's staff and auditors."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from web3 import Web3

from yilian.chain.time_credits import bank_totals, credit_history
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

app = typer.Typer(help="The time bank (时间储蓄): credits per account and the district's totals.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f} h"


@app.command()
def credits(
    account: Annotated[str, typer.Argument(help="The volunteer's (or relative's) address.")],
    rpc_url: RpcUrl = DEFAULT_RPC_URL, manifest: ManifestPath = DEFAULT_MANIFEST, poa: Poa = False,
    as_json: AsJson = False,
) -> None:  # fmt: skip
    """An account's banked credits and every change, each with its session uid or other account."""
    if not Web3.is_address(account):
        fail(f"{account!r} is not an address")
    w3, deployment = open_chain(rpc_url, manifest, poa)
    with failures_exit_2():
        ledger = deployment.contract(w3, "HourLedger")
        address = Web3.to_checksum_address(account)
        balance = ledger.functions.timeCredits(address).call()
        history = credit_history(ledger, deployment.contracts["HourLedger"].block_number, address)
    if as_json:
        typer.echo(json.dumps({"credit_minutes": balance, "history": [asdict(entry) for entry in history]}))
        return
    typer.echo(f"{address}: {balance} credit minutes ({_hours(balance)})")
    for entry in history:
        source = entry.uid or entry.counterparty or ""
        typer.echo(f"  block {entry.block:>8}  {entry.kind:<16} {entry.minutes:>+7} min  {source}")


@app.command()
def stats(
    rpc_url: RpcUrl = DEFAULT_RPC_URL, manifest: ManifestPath = DEFAULT_MANIFEST, poa: Poa = False,
    as_json: AsJson = False,
) -> None:  # fmt: skip
    """The district bank's totals: earned, paid for service (by holders, by the pool), revoked, moved."""
    w3, deployment = open_chain(rpc_url, manifest, poa)
    with failures_exit_2():
        totals = bank_totals(deployment.contract(w3, "HourLedger"), deployment.contracts["HourLedger"].block_number)
    if as_json:
        typer.echo(json.dumps(totals))
        return
    for name, value in totals.items():
        shown = _hours(value) if name.endswith("_minutes") else str(value)
        typer.echo(f"{name.removesuffix('_minutes').replace('_', ' '):<28} {shown}")
