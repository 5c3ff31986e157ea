"""`yilian merchant …`: the merchant's wallet, talking straight to the chain (no relay needed).

Everything that can be refused is checked before the wallet password is asked for, so a refusal
costs neither gas nor a typed password.
"""

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, ParamSpec

import typer
from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from yilian.chain.deployed import DeploymentUnavailable
from yilian.chain.transactions import as_hex
from yilian.chain.vouchers import parse_payload
from yilian.chain.yicoin import format_yicoin, parse_yicoin
from yilian.cli.chain_options import DEFAULT_MANIFEST, DEFAULT_RPC_URL, EXIT_FINDINGS, ManifestPath, Poa, RpcUrl, fail
from yilian.errors import YilianError
from yilian.merchant import offers, redemptions
from yilian.merchant.display import format_time, parse_time
from yilian.merchant.errors import MerchantError
from yilian.merchant.market import Market
from yilian.merchant.wallet import (
    DEFAULT_KEYSTORE,
    PASSWORD_ENV,
    create_wallet,
    key_account,
    require_free,
    unlock,
    wallet_address,
)

app = typer.Typer(help="A merchant's wallet: offers, vouchers, settlement.", no_args_is_help=True)
wallet_app = typer.Typer(help="The merchant's key in an encrypted keystore.", no_args_is_help=True)
offers_app = typer.Typer(help="The merchant's offers on the alliance.", no_args_is_help=True)
app.add_typer(wallet_app, name="wallet")
app.add_typer(offers_app, name="offers")

P = ParamSpec("P")
OfferId = Annotated[int, typer.Argument(min=1, max=2**64 - 1, help="The offer's number, e.g. 3")]
Price = Annotated[int, typer.Option(parser=parse_yicoin, metavar="益币", help="Per item, e.g. 5.00")]
When = Annotated[int, typer.Option(parser=parse_time, metavar="TIME", help="Unix seconds or ISO 8601")]


@dataclass
class Wallet:
    rpc_url: str
    manifest: Path
    poa: bool
    keystore: Path

    @cached_property
    def market(self) -> Market:
        return Market.open(self.rpc_url, self.manifest, poa=self.poa)

    @cached_property
    def address(self) -> str:
        return wallet_address(self.keystore)

    def unlock(self) -> LocalAccount:
        return unlock(self.keystore, _password(confirm=False))


@app.callback()
def options(
    ctx: typer.Context,
    rpc_url: RpcUrl = DEFAULT_RPC_URL,
    manifest: ManifestPath = DEFAULT_MANIFEST,
    poa: Poa = False,
    keystore: Annotated[Path, typer.Option(envvar="YILIAN_MERCHANT_KEYSTORE")] = DEFAULT_KEYSTORE,
) -> None:
    """The merchant's wallet. The password comes from $YILIAN_MERCHANT_PASSWORD, else a prompt."""
    ctx.obj = Wallet(rpc_url, manifest, poa, keystore)  # subcommands and nested groups inherit it


def _password(*, confirm: bool) -> str:
    return os.environ.get(PASSWORD_ENV) or typer.prompt("Wallet password", hide_input=True, confirmation_prompt=confirm)


def _plainly(command: Callable[P, None]) -> Callable[P, None]:
    """A refusal is a message and exit status 1, no chain or manifest exit status 2: not a traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except DeploymentUnavailable as error:
            fail(error.message)
        except (MerchantError, YilianError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_FINDINGS) from None

    return run


def _mined(receipt: TxReceipt) -> dict[str, object]:
    return {"transaction": as_hex(receipt["transactionHash"]), "block": receipt["blockNumber"]}


def _receipt(title: str, **lines: object) -> None:
    typer.echo(title)
    for label, value in lines.items():
        typer.echo(f"  {label.replace('_', ' '):<15} {value}")


@wallet_app.command("create")
@_plainly
def wallet_create(ctx: typer.Context) -> None:
    """Creates a new key in the keystore file (an existing file is never overwritten)."""
    wallet: Wallet = ctx.obj
    require_free(wallet.keystore)  # before the password is typed twice for nothing
    address = create_wallet(wallet.keystore, _password(confirm=True))
    typer.echo(f"created wallet {address} in {wallet.keystore.expanduser()}")
    typer.echo("back the file up and keep the password apart from it: neither can be recovered")


@wallet_app.command("import")
@_plainly
def wallet_import(ctx: typer.Context) -> None:
    """Encrypts an existing private key (typed, not echoed) into the keystore file."""
    wallet: Wallet = ctx.obj
    require_free(wallet.keystore)
    key = typer.prompt("Private key (hex)", hide_input=True)
    key_account(key)  # a mistyped key is refused before the password is asked for
    address = create_wallet(wallet.keystore, _password(confirm=True), key)
    typer.echo(f"imported wallet {address} into {wallet.keystore.expanduser()}")


@wallet_app.command("address")
@_plainly
def wallet_show_address(ctx: typer.Context) -> None:
    """Prints the wallet's address (no password needed): give it to the alliance to register."""
    wallet: Wallet = ctx.obj
    typer.echo(wallet.address)


@offers_app.command("list")
@_plainly
def offers_list(ctx: typer.Context) -> None:
    """Lists this merchant's offers with their state now."""
    wallet: Wallet = ctx.obj
    market, now = wallet.market, wallet.market.now()
    listed = offers.merchant_offers(market, wallet.address)
    if not listed:
        typer.echo("no offers yet: publish one with `yilian merchant offers create`")
    for item in listed:
        offer, terms = item.offer, item.offer.terms
        closed = f", closed in block {item.closed_block}" if item.closed_block else ""
        validity = f"{format_time(terms.valid_from)} → {format_time(terms.valid_until)}"
        typer.echo(
            f"#{offer.offer_id:<5} {offer.state(now):<13} {format_yicoin(terms.price):>14}  "
            f"stock {terms.stock:<6} {validity}  metadata 0x{terms.metadata_hash.hex()[:12]}…  "
            f"(published in block {item.published_block}{closed})"
        )


@offers_app.command("create")
@_plainly
def offers_create(
    ctx: typer.Context,
    price: Price,
    stock: Annotated[int, typer.Option(min=0, help="Items on offer")],
    valid_until: When,
    metadata_file: Annotated[Path, typer.Option(help="The offer's description; its keccak-256 goes on chain")],
    valid_from: Annotated[int | None, typer.Option(parser=parse_time, metavar="TIME", help="Default: now")] = None,
) -> None:
    """Publishes an offer of this merchant."""
    wallet: Wallet = ctx.obj
    market = wallet.market
    start = market.now() if valid_from is None else valid_from
    terms = offers.OfferTerms(price, stock, start, valid_until, offers.metadata_hash(metadata_file))
    offers.check_publish(market, wallet.address, terms)
    offer_id, receipt = offers.publish_offer(market, wallet.unlock(), terms)
    _receipt(f"published offer #{offer_id}", **_mined(receipt), price=format_yicoin(price), stock=stock)


@offers_app.command("update")
@_plainly
def offers_update(
    ctx: typer.Context,
    offer_id: OfferId,
    price: Annotated[int | None, typer.Option(parser=parse_yicoin, metavar="益币")] = None,
    stock: Annotated[int | None, typer.Option(min=0)] = None,
    valid_from: Annotated[int | None, typer.Option(parser=parse_time, metavar="TIME")] = None,
    valid_until: Annotated[int | None, typer.Option(parser=parse_time, metavar="TIME")] = None,
    metadata_file: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Changes the given terms of an open offer; the others stay as they are."""
    wallet: Wallet = ctx.obj
    given = {"price": price, "stock": stock, "valid_from": valid_from, "valid_until": valid_until}
    changes: dict[str, int | bytes] = {name: value for name, value in given.items() if value is not None}
    if metadata_file is not None:
        changes["metadata_hash"] = offers.metadata_hash(metadata_file)
    terms = offers.revised_terms(wallet.market, wallet.address, offer_id, **changes)
    receipt = offers.update_offer(wallet.market, wallet.unlock(), offer_id, terms)
    price_now = format_yicoin(terms.price)
    _receipt(f"updated offer #{offer_id}", **_mined(receipt), price=price_now, stock=terms.stock)


@offers_app.command("close")
@_plainly
def offers_close(ctx: typer.Context, offer_id: OfferId) -> None:
    """Closes an offer for good: no more redemptions."""
    wallet: Wallet = ctx.obj
    offers.own_open_offer(wallet.market, wallet.address, offer_id)
    receipt = offers.close_offer(wallet.market, wallet.unlock(), offer_id)
    _receipt(f"closed offer #{offer_id}", **_mined(receipt))


@app.command()
@_plainly
def redeem(
    ctx: typer.Context,
    voucher: Annotated[str, typer.Argument(help="A voucher file (voucher.json) or the QR payload text")],
) -> None:
    """Checks a volunteer's voucher locally, then redeems it from this wallet."""
    wallet: Wallet = ctx.obj
    market = wallet.market
    signed = parse_payload(_voucher_text(voucher))
    redemptions.check_redemption(market, signed, wallet.address)
    redeemed = redemptions.redeem_voucher(market, wallet.unlock(), signed)
    offer = offers.read_offer(market.alliance, redeemed.offer_id)  # offers are never deleted
    amount = format_yicoin(redeemed.amount)
    _receipt(
        f"redeemed offer #{redeemed.offer_id} × {redeemed.quantity}: {amount}",
        transaction=redeemed.tx_hash,
        block=redeemed.block_number,
        volunteer=redeemed.volunteer,
        voucher_nonce=redeemed.voucher_nonce,
        stock_left=offer.terms.stock if offer else 0,
        to_settle=format_yicoin(market.balance(wallet.address)),
    )


def _voucher_text(voucher: str) -> str:
    if voucher.lstrip().startswith("{"):
        return voucher
    try:
        return Path(voucher).read_text()
    except OSError as error:
        raise MerchantError(
            f"{voucher!r} is neither a voucher payload nor a readable file ({error.strerror})"
        ) from None


@app.command("redemptions")
@_plainly
def list_redemptions(ctx: typer.Context) -> None:
    """Lists what volunteers redeemed at this merchant, with totals."""
    wallet: Wallet = ctx.obj
    account = redemptions.statement(wallet.market, wallet.address)
    for r in account.redemptions:
        how = "by voucher" if r.by_voucher else "from the volunteer's wallet"
        typer.echo(
            f"block {r.block_number:<8} offer #{r.offer_id:<5} × {r.quantity:<4} "
            f"{format_yicoin(r.amount):>14}  {r.volunteer}  {how}"
        )
    items = sum(r.quantity for r in account.redemptions)
    _receipt(
        "totals",
        received=f"{format_yicoin(account.received)} (redemptions: {len(account.redemptions)}, items: {items})",
        settled=f"{format_yicoin(account.settled)} (settlements: {len(account.settlements)})",
        to_settle=format_yicoin(account.balance),
    )


@app.command("settle")
@_plainly
def settle_command(
    ctx: typer.Context,
    amount: Annotated[int | None, typer.Option(parser=parse_yicoin, metavar="益币")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Settle the whole balance")] = False,
) -> None:
    """Burns 益币 received from volunteers: the settlement the alliance pays the merchant for."""
    if (amount is not None) == everything:
        raise typer.BadParameter("give either --amount or --all")
    wallet: Wallet = ctx.obj
    amount = redemptions.settlement_amount(wallet.market, wallet.address, amount)
    settled = redemptions.settle(wallet.market, wallet.unlock(), amount)
    _receipt(
        f"settled {format_yicoin(settled.amount)}",
        settlement_id=settled.settlement_id,
        transaction=settled.tx_hash,
        block=settled.block_number,
        to_settle=format_yicoin(wallet.market.balance(wallet.address)),
    )
