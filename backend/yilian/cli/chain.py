"""`yilian chain`: the project's Clique PoA chain (EthereumJS client), in the foreground."""

from pathlib import Path
from typing import Annotated

import typer

from yilian.chain.poa import DEFAULT_PERIOD_S, POA_PORT, PoaChain, run_foreground


def chain(
    port: Annotated[int, typer.Option(help="JSON-RPC port")] = POA_PORT,
    period: Annotated[int, typer.Option(min=1, help="seconds between blocks (clique.period)")] = DEFAULT_PERIOD_S,
    data_dir: Annotated[Path, typer.Option(help="genesis, signer key and the node's database")] = Path("var/poa"),
    log_path: Annotated[Path | None, typer.Option(help="the node's own log")] = None,
) -> None:
    """Runs a Clique PoA chain (chain id 1338, london, zero base fee, development accounts funded,
    one signer from the public development mnemonic) until Ctrl-C. Deploy to it with
    `brownie run scripts/deploy.py --network yilian-poa`; the chain survives a restart."""
    run_foreground(PoaChain(port=port, period_s=period, data_dir=data_dir, log_path=log_path))
