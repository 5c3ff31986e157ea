"""Deploying with governance: the command-line options, the founding rules it checks."""

import pytest

from yilian.chain.connection import connect
from yilian.chain.deployment import main
from yilian.chain.devkeys import DEV_ROLE_ACCOUNTS as DEV_ROLES
from yilian.chain.governance import GovernanceSpec
from yilian.chain.localchain import LocalChain, dev_address
from yilian.chain.manifest import Manifest
from yilian.governance.council import Consortium
from yilian.governance.errors import GovernanceError


def test_cli_hands_the_admin_roles_to_a_majority_of_departments(
    governed_chain: LocalChain, tmp_path, monkeypatch, capsys
):
    for name in ("DEPLOYER_KEY", "GOVERNANCE_DEPARTMENTS", *(f"{role}_ADDRESS" for role in DEV_ROLES)):
        monkeypatch.delenv(f"YILIAN_{name.upper()}", raising=False)
    departments = ",".join(dev_address(i) for i in (10, 11, 12, 13))
    args = ["--rpc-url", governed_chain.rpc_url, "--network", "consortium", "--deployments-dir", str(tmp_path)]
    main([*args, "--departments", departments, "--timelock-delay", "600"])
    out = capsys.readouterr().out
    manifest = Manifest.load(tmp_path / "consortium.json")
    record = manifest.governance
    assert record is not None and (record.threshold, record.min_delay) == (3, 600)  # 3 of 4: a majority
    assert f"council            {record.council.address}: 3 of 4" in out
    assert (tmp_path / "consortium.sources" / "ConsortiumCouncil.standard-input.json").exists()
    ledger = manifest.contract(connect(governed_chain.rpc_url), "HourLedger").functions
    assert ledger.hasRole(bytes(32), record.timelock.address).call()
    assert not ledger.hasRole(bytes(32), manifest.deployer).call()


def test_an_ungoverned_deployment_is_not_reused_as_a_governed_one(governed_chain: LocalChain, tmp_path, monkeypatch):
    monkeypatch.delenv("YILIAN_GOVERNANCE_DEPARTMENTS", raising=False)
    args = ["--rpc-url", governed_chain.rpc_url, "--network", "plain", "--deployments-dir", str(tmp_path)]
    main(args)
    assert Manifest.load(tmp_path / "plain.json").governance is None
    with pytest.raises(ValueError, match="has no governance; use --redeploy"):
        main([*args, "--departments", dev_address(10)])
    with pytest.raises(GovernanceError, match="this deployment has no governance; the deployer is its admin"):
        Consortium.open(governed_chain.rpc_url, tmp_path / "plain.json")


@pytest.mark.parametrize(
    ("departments", "threshold", "problem"),
    [
        ((10, 11), 3, "threshold 3 must lie in 1..2"),
        ((10, 11), 0, "threshold 0 must lie in 1..2"),
        ((10, 10), 1, "listed twice"),
    ],
)
def test_founding_rules_are_checked_before_deploying(departments, threshold, problem):
    with pytest.raises(ValueError, match=problem):
        GovernanceSpec(tuple(dev_address(i) for i in departments), threshold)
