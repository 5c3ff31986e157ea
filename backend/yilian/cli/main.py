"""Entry point of the `yilian` command."""

import typer

from yilian.cli import dev, relay

app = typer.Typer(help="Yilian (益链): volunteer hours and 益币 on chain.", no_args_is_help=True)
app.add_typer(relay.app, name="relay")
app.add_typer(dev.app, name="dev")

if __name__ == "__main__":
    app()
