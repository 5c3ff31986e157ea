"""`yilian governance …`: a department of the consortium proposes, approves and executes admin
calls on the council (m of n approvals, then the timelock's delay). The department's key lives in
an encrypted keystore, like a merchant's wallet; refusals are found before the password is asked.
"""

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, ParamSpec

import typer
from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from yilian.chain.transactions import as_hex
from yilian.cli.chain_options import DEFAULT_MANIFEST, DEFAULT_RPC_URL, ManifestPath, Poa, RpcUrl
from yilian.governance.calls import ProposedCall, generic_call, role_call
from yilian.governance.council import Consortium, ProposalView, parse_proposal_id
from yilian.governance.errors import GovernanceError
from yilian.merchant.errors import MerchantError
from yilian.merchant.wallet import create_wallet, key_account, require_free, unlock, wallet_address

app = typer.Typer(help="The consortium's m-of-n governance of the contracts.", no_args_is_help=True)
key_app = typer.Typer(help="The department's key in an encrypted keystore.", no_args_is_help=True)
propose_app = typer.Typer(help="Propose an admin call (counts as this department's approval).", no_args_is_help=True)
app.add_typer(key_app, name="key")
app.add_typer(propose_app, name="propose")

P = ParamSpec("P")
PASSWORD_ENV = "YILIAN_DEPARTMENT_PASSWORD"
DEFAULT_KEYSTORE = Path("~/.yilian/department-keystore.json")
ProposalId = Annotated[str, typer.Argument(help="The proposal id (0x…, from `yilian governance list`)")]
ContractName = Annotated[str, typer.Option("--contract", help="HourLedger, VolunteerRegistry, YiCoin, …")]
Account = Annotated[str, typer.Option("--account", help="The address the role is granted to or taken from")]
Role = Annotated[str, typer.Option("--role", help="e.g. AUDITOR_ROLE, ATTESTER_ROLE, DEFAULT_ADMIN_ROLE")]


@dataclass
class Department:
    rpc_url: str
    manifest: Path
    poa: bool
    keystore: Path

    @cached_property
    def consortium(self) -> Consortium:
        return Consortium.open(self.rpc_url, self.manifest, poa=self.poa)

    @cached_property
    def address(self) -> str:
        if not self.keystore.expanduser().exists():
            raise GovernanceError(f"no department key at {self.keystore}: `yilian governance key create` (or `import`)")
        return wallet_address(self.keystore)

    def unlock(self) -> LocalAccount:
        """The key, after the chain confirmed this department is a member."""
        self.consortium.require_department(self.address)
        return unlock(self.keystore, _password(confirm=False))


@app.callback()
def options(
    ctx: typer.Context,
    rpc_url: RpcUrl = DEFAULT_RPC_URL,
    manifest: ManifestPath = DEFAULT_MANIFEST,
    poa: Poa = False,
    keystore: Annotated[Path, typer.Option(envvar="YILIAN_DEPARTMENT_KEYSTORE")] = DEFAULT_KEYSTORE,
) -> None:
    """A department's seat on the council. The password comes from $YILIAN_DEPARTMENT_PASSWORD, else a prompt."""
    ctx.obj = Department(rpc_url, manifest, poa, keystore)


def _password(*, confirm: bool) -> str:
    return os.environ.get(PASSWORD_ENV) or typer.prompt("Key password", hide_input=True, confirmation_prompt=confirm)


def _plainly(command: Callable[P, None]) -> Callable[P, None]:
    """A refusal is a message and exit status 1, not a traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except (GovernanceError, MerchantError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None

    return run


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds") if timestamp else "-"


def _show(view: ProposalView) -> None:
    typer.echo(f"0x{view.id.hex()}  {view.state:<8} {len(view.approvers)}/{view.threshold}  {view.summary}")
    typer.echo(f"  proposed by {view.proposer}; approved by {', '.join(view.approvers) or 'nobody now'}")
    if view.state in ("waiting", "ready"):
        typer.echo(f"  executable from {_when(view.ready_at)}")
    if view.cancellers:
        typer.echo(f"  to cancel: {', '.join(view.cancellers)} ({len(view.cancellers)}/{view.threshold})")


def _mined(title: str, receipt: TxReceipt, view: ProposalView) -> None:
    typer.echo(f"{title} (transaction {as_hex(receipt['transactionHash'])}, block {receipt['blockNumber']})")
    _show(view)


@key_app.command("create")
@_plainly
def key_create(ctx: typer.Context) -> None:
    """Creates a new department key in the keystore file (never overwrites one)."""
    department: Department = ctx.obj
    require_free(department.keystore)
    address = create_wallet(department.keystore, _password(confirm=True))
    typer.echo(f"created department key {address} in {department.keystore.expanduser()}")


@key_app.command("import")
@_plainly
def key_import(ctx: typer.Context) -> None:
    """Encrypts an existing private key (typed, not echoed) into the keystore file."""
    department: Department = ctx.obj
    require_free(department.keystore)
    key = typer.prompt("Private key (hex)", hide_input=True)
    key_account(key)
    address = create_wallet(department.keystore, _password(confirm=True), key)
    typer.echo(f"imported department key {address} into {department.keystore.expanduser()}")


@key_app.command("address")
@_plainly
def key_address(ctx: typer.Context) -> None:
    """Prints the department's address (no password needed)."""
    typer.echo(ctx.obj.address)


@app.command()
@_plainly
def status(ctx: typer.Context) -> None:
    """The council: departments, approvals needed, the timelock and its delay."""
    consortium: Consortium = ctx.obj.consortium
    departments = consortium.departments()
    typer.echo(f"council   {consortium.council.address}: {consortium.threshold()} of {len(departments)} approve")
    typer.echo(f"timelock  {consortium.timelock.address}: delay {consortium.min_delay()} s (holds the admin roles)")
    for address in departments:
        typer.echo(f"department {address}")


@app.command("list")
@_plainly
def list_proposals(ctx: typer.Context) -> None:
    """Every proposal, oldest first, with its state and approvals."""
    views = ctx.obj.consortium.proposals()
    if not views:
        typer.echo("no proposals yet: make one with `yilian governance propose …`")
    for view in views:
        _show(view)


@app.command()
@_plainly
def show(ctx: typer.Context, proposal_id: ProposalId) -> None:
    """One proposal."""
    _show(ctx.obj.consortium.proposal(parse_proposal_id(proposal_id)))


_DONE = {"approve": "approved", "schedule": "scheduled", "execute": "executed", "cancel": "voted to cancel"}


def _act(ctx: typer.Context, action: str, proposal_id: str) -> None:
    department: Department = ctx.obj
    consortium, wanted = department.consortium, parse_proposal_id(proposal_id)
    consortium.proposal(wanted)  # an unknown id is refused before the password
    receipt = consortium.send(department.unlock(), consortium.council.functions[action](wanted))
    _mined(_DONE[action], receipt, consortium.proposal(wanted))


@app.command()
@_plainly
def approve(ctx: typer.Context, proposal_id: ProposalId) -> None:
    """Approves; the approval that reaches the threshold schedules the call on the timelock."""
    _act(ctx, "approve", proposal_id)


@app.command()
@_plainly
def schedule(ctx: typer.Context, proposal_id: ProposalId) -> None:
    """Schedules a proposal that has enough approvals (needed only after the threshold was lowered)."""
    _act(ctx, "schedule", proposal_id)


@app.command()
@_plainly
def execute(ctx: typer.Context, proposal_id: ProposalId) -> None:
    """Executes a scheduled proposal once the timelock's delay has passed."""
    _act(ctx, "execute", proposal_id)


@app.command()
@_plainly
def cancel(ctx: typer.Context, proposal_id: ProposalId) -> None:
    """Votes to cancel a proposal not yet executed; the vote that reaches the threshold cancels it."""
    _act(ctx, "cancel", proposal_id)


def _propose(ctx: typer.Context, build: Callable[[Consortium], ProposedCall]) -> None:
    department: Department = ctx.obj
    consortium = department.consortium
    call = build(consortium)
    consortium.preview(call)
    proposal_id, receipt = consortium.propose(department.unlock(), call)
    _mined("proposed", receipt, consortium.proposal(proposal_id))


@propose_app.command("grant-role")
@_plainly
def propose_grant_role(ctx: typer.Context, contract: ContractName, role: Role, account: Account) -> None:
    """Grant a role, e.g. --contract HourLedger --role AUDITOR_ROLE --account 0x…"""
    _propose(ctx, lambda c: role_call(c.contracts, contract, True, role, account))


@propose_app.command("revoke-role")
@_plainly
def propose_revoke_role(ctx: typer.Context, contract: ContractName, role: Role, account: Account) -> None:
    """Take a role away, e.g. --contract HourLedger --role ATTESTER_ROLE --account 0x…"""
    _propose(ctx, lambda c: role_call(c.contracts, contract, False, role, account))


@propose_app.command("set-revocation-window")
@_plainly
def propose_revocation_window(ctx: typer.Context, seconds: Annotated[int, typer.Option(min=0, max=2**32 - 1)]) -> None:
    """How long after an activity ends an auditor may still revoke its sessions."""
    _propose(ctx, lambda c: generic_call(c.contracts, "HourLedger", "setRevocationWindow(uint32)", [str(seconds)]))


@propose_app.command("pause")
@_plainly
def propose_pause(ctx: typer.Context) -> None:
    """Freeze 益币 spending and settlement (hours are still recorded)."""
    _propose(ctx, lambda c: generic_call(c.contracts, "YiCoin", "pause()", []))


@propose_app.command("unpause")
@_plainly
def propose_unpause(ctx: typer.Context) -> None:
    """Lift a pause."""
    _propose(ctx, lambda c: generic_call(c.contracts, "YiCoin", "unpause()", []))


@propose_app.command("add-department")
@_plainly
def propose_add_department(ctx: typer.Context, account: Account) -> None:
    """A new member of the council."""
    _propose(ctx, lambda c: role_call(c.contracts, "ConsortiumCouncil", True, "DEPARTMENT_ROLE", account))


@propose_app.command("remove-department")
@_plainly
def propose_remove_department(ctx: typer.Context, account: Account) -> None:
    """A member leaves the council (never below the threshold)."""
    _propose(ctx, lambda c: role_call(c.contracts, "ConsortiumCouncil", False, "DEPARTMENT_ROLE", account))


@propose_app.command("set-threshold")
@_plainly
def propose_threshold(ctx: typer.Context, approvals: Annotated[int, typer.Option(min=1)]) -> None:
    """How many departments must approve (1..departments)."""
    _propose(ctx, lambda c: generic_call(c.contracts, "ConsortiumCouncil", "setThreshold(uint256)", [str(approvals)]))


@propose_app.command("set-delay")
@_plainly
def propose_delay(ctx: typer.Context, seconds: Annotated[int, typer.Option(min=0)]) -> None:
    """The timelock's delay between the last approval and execution."""
    _propose(ctx, lambda c: generic_call(c.contracts, "TimelockController", "updateDelay(uint256)", [str(seconds)]))


@propose_app.command("call")
@_plainly
def propose_call(
    ctx: typer.Context,
    contract: ContractName,
    function: Annotated[str, typer.Option("--function", help="Its signature, e.g. 'setRevocationWindow(uint32)'")],
    args: Annotated[list[str] | None, typer.Argument(help="The arguments; arrays and tuples as JSON")] = None,
) -> None:
    """Any admin function of any contract, e.g. --contract HourLedger --function 'setRevocationWindow(uint32)' 86400"""
    _propose(ctx, lambda c: generic_call(c.contracts, contract, function, args or []))
