"""Opening a deployment: the chain at an RPC URL and the manifest that says where the contracts
are, checked to belong together before anything is read or sent. Every tool opens it this way."""

from __future__ import annotations

from pathlib import Path

from eth_utils import to_checksum_address
from pydantic import ValidationError
from web3 import Web3
from web3.exceptions import Web3Exception

from yilian.chain.connection import connect
from yilian.chain.manifest import CONTRACT_NAMES, Manifest
from yilian.errors import Unavailable


class DeploymentUnavailable(Unavailable):
    code = "deployment_unavailable"


def open_deployment(rpc_url: str, manifest_path: Path, *, poa: bool = False) -> tuple[Web3, Manifest]:
    """The chain and its deployment, or DeploymentUnavailable saying what is missing."""
    try:
        manifest = Manifest.load(manifest_path)
    except (OSError, ValidationError) as error:
        raise DeploymentUnavailable(
            f"cannot read the deployment manifest {manifest_path} ({type(error).__name__}); "
            "set --manifest or YILIAN_MANIFEST_PATH"
        ) from None
    w3 = connect(rpc_url, poa=poa)
    try:
        chain_id = w3.eth.chain_id
        if chain_id != manifest.chain_id:
            raise DeploymentUnavailable(
                f"{manifest_path} describes chain {manifest.chain_id}, but {rpc_url} is chain {chain_id}"
            )
        missing = [name for name in CONTRACT_NAMES if not w3.eth.get_code(to_checksum_address(manifest.address(name)))]
    except (OSError, Web3Exception) as error:  # requests' ConnectionError is an OSError
        raise DeploymentUnavailable(f"no chain answers at {rpc_url} ({type(error).__name__})") from None
    if missing:
        raise DeploymentUnavailable(
            f"no {missing[0]} at {manifest.address(missing[0])} on {rpc_url}: a manifest of an older chain?"
        )
    return w3, manifest
