"""Options and helpers shared by the commands that read the chain (audit, stats, certificate).

Defaults come from the same environment variables as the relay's settings (YILIAN_RPC_URL,
YILIAN_MANIFEST_PATH, YILIAN_POA), so on a relay host the commands need no options.
Exit codes, for every `yilian` command: 0 success, 1 the check found something or the request
was refused, 2 usage or connection error (no chain, no manifest, no database).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from requests.exceptions import RequestException
from sqlalchemy.exc import SQLAlchemyError
from web3 import Web3
from web3.exceptions import Web3Exception

from yilian.audit.progress import ScanError
from yilian.chain.deployed import DeploymentUnavailable, open_deployment
from yilian.chain.manifest import Manifest
from yilian.errors import YilianError

EXIT_FINDINGS = 1
EXIT_ERROR = 2

RpcUrl = Annotated[str, typer.Option(envvar="YILIAN_RPC_URL", help="The chain's JSON-RPC URL.")]
ManifestPath = Annotated[Path, typer.Option("--manifest", envvar="YILIAN_MANIFEST_PATH", help="Deployment manifest.")]
Poa = Annotated[bool, typer.Option(envvar="YILIAN_POA", help="PoA chain (Besu QBFT, Clique).")]
DEFAULT_RPC_URL = "http://127.0.0.1:8545"
DEFAULT_MANIFEST = Path("deployments/yilian-local.json")


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def failures_exit_2() -> Iterator[None]:
    """What can go wrong once the command runs, reported in one line with exit code 2."""
    try:
        yield
    except ScanError as error:
        fail(str(error))
    except YilianError as error:
        fail(error.message)
    except (Web3Exception, RequestException) as error:
        fail(f"the chain stopped answering: {error}")
    except SQLAlchemyError as error:
        fail(f"the relay database did not answer: {error}")


def open_chain(rpc_url: str, manifest_path: Path, poa: bool) -> tuple[Web3, Manifest]:
    """The chain and the deployment on it, or exit 2 saying what is missing."""
    try:
        return open_deployment(rpc_url, manifest_path, poa=poa)
    except DeploymentUnavailable as error:
        fail(error.message)
