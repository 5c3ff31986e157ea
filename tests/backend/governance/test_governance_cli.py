"""`yilian governance`: departments propose, approve and execute from their keystores; refusals
are explained with the contract's error and leave the chain unchanged."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.backend.governance.conftest import DELAY, DEPARTMENTS, OUTSIDER, Governed
from yilian.chain.localchain import dev_address, dev_private_key
from yilian.cli.governance import PASSWORD_ENV
from yilian.cli.main import app as yilian
from yilian.merchant.wallet import LIGHT_SCRYPT_N, create_wallet

PASSWORD = "民政局-key"
A, B, C = DEPARTMENTS


@pytest.fixture(scope="module")
def keystores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    directory = tmp_path_factory.mktemp("department-keys")
    paths = {}
    for index in (*DEPARTMENTS, OUTSIDER):
        paths[index] = directory / f"department-{index}.json"
        create_wallet(paths[index], PASSWORD, dev_private_key(index), scrypt_n=LIGHT_SCRYPT_N)
    return paths


def _run(governed: Governed, keystore: Path, *args: str, password: str | None = PASSWORD) -> Result:
    options = ["--rpc-url", governed.w3.provider.endpoint_uri, "--manifest", str(governed.manifest_path)]  # type: ignore[attr-defined]
    return CliRunner().invoke(
        yilian, ["governance", *options, "--keystore", str(keystore), *args], env={PASSWORD_ENV: password}
    )


def _proposal_id(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return re.search(r"^0x[0-9a-f]{64}", result.stdout, re.MULTILINE).group(0)  # type: ignore[union-attr]


def test_a_role_grant_from_proposal_to_execution(governed: Governed, keystores: dict[int, Path]) -> None:
    grantee, ledger = dev_address(13), governed.consortium.contracts["HourLedger"].functions
    auditor = ledger.AUDITOR_ROLE().call()
    proposed = _run(
        governed, keystores[A], "propose", "grant-role", "--contract", "HourLedger", "--role", "AUDITOR_ROLE",
        "--account", grantee,
    )  # fmt: skip
    proposal_id = _proposal_id(proposed)
    assert f"pending  1/2  HourLedger.grantRole(AUDITOR_ROLE, {grantee})" in proposed.stdout

    outsider = _run(governed, keystores[OUTSIDER], "approve", proposal_id, password=None)
    assert outsider.exit_code == 1 and f"{dev_address(OUTSIDER)} is not a department" in outsider.stderr
    assert "password" not in outsider.output  # refused before the key is unlocked
    again = _run(governed, keystores[A], "approve", proposal_id)
    assert again.exit_code == 1 and "CouncilAlreadyApproved" in again.stderr

    approved = _run(governed, keystores[B], "approve", proposal_id)
    assert approved.exit_code == 0 and "waiting  2/2" in approved.stdout
    early = _run(governed, keystores[C], "execute", proposal_id)
    assert early.exit_code == 1 and "CouncilProposalNotReady" in early.stderr
    assert not ledger.hasRole(auditor, grantee).call()

    governed.wait(DELAY)
    executed = _run(governed, keystores[C], "execute", proposal_id)
    assert executed.exit_code == 0 and "executed" in executed.stdout
    assert ledger.hasRole(auditor, grantee).call()
    listed = _run(governed, keystores[C], "list", password=None)
    assert f"{proposal_id}  executed 2/2  HourLedger.grantRole(AUDITOR_ROLE, {grantee})" in listed.stdout


def test_generic_call_and_refusals_that_propose_nothing(governed: Governed, keystores: dict[int, Path]) -> None:
    council = governed.consortium.council.functions
    before = council.proposalCount().call()
    wrong = _run(
        governed, keystores[A], "propose", "call", "--contract", "HourLedger", "--function", "setWindow(uint32)", "1"
    )
    assert wrong.exit_code == 1 and "HourLedger has no function setWindow(uint32)" in wrong.stderr
    failing = _run(governed, keystores[A], "propose", "unpause")  # the token is not paused
    assert failing.exit_code == 1 and "YiCoin.unpause() would fail if executed now: ExpectedPause()" in failing.stderr
    unknown = _run(governed, keystores[A], "approve", "0x" + "ab" * 32)
    assert unknown.exit_code == 1 and "no proposal 0x" in unknown.stderr
    assert council.proposalCount().call() == before

    signature = "setRevocationWindow(uint32)"
    proposed = _run(
        governed, keystores[B], "propose", "call", "--contract", "HourLedger", "--function", signature, "259200"
    )
    proposal_id = _proposal_id(proposed)
    assert "HourLedger.setRevocationWindow(259200)" in proposed.stdout
    first = _run(governed, keystores[A], "cancel", proposal_id)
    assert first.exit_code == 0 and f"to cancel: {dev_address(A)} (1/2)" in first.stdout
    second = _run(governed, keystores[C], "cancel", proposal_id)
    assert second.exit_code == 0 and f"{proposal_id}  cancelled" in second.stdout
    status = _run(governed, keystores[B], "status", password=None)
    assert "2 of 3 approve" in status.stdout and f"delay {DELAY} s" in status.stdout
