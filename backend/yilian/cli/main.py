"""Entry point of the `yilian` command."""

import typer

from yilian.cli import audit, certificate, chain, dev, governance, merchant, relay, stats, time_bank

app = typer.Typer(help="Yilian (益链): volunteer hours and 益币 on chain.", no_args_is_help=True)
app.add_typer(relay.app, name="relay")
app.add_typer(dev.app, name="dev")
app.add_typer(merchant.app, name="merchant")
app.command("audit")(audit.audit)
app.add_typer(certificate.app, name="certificate")
app.command("stats")(stats.stats)
app.add_typer(governance.app, name="governance")
app.command("chain")(chain.chain)
app.add_typer(time_bank.app, name="time-bank")

if __name__ == "__main__":
    app()
