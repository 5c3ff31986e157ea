"""`yilian relay …`: run and manage the relay."""

import typer

from yilian.relay.auth import ROLES, create_api_key
from yilian.relay.config import Settings
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.session import make_engine, make_sessionmaker, transaction

app = typer.Typer(help="Run the relay and manage its API keys.", no_args_is_help=True)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    access_log: bool = typer.Option(False, help="A line per request; off: the proxy in front logs requests"),
) -> None:
    """Serves the API (OpenAPI at /docs) and runs the outbox worker; the relay's own warnings and
    errors are logged either way."""
    # Imported here: key management, the command's other use, needs neither the app nor a server.
    import uvicorn  # noqa: PLC0415

    from yilian.relay.app import create_app  # noqa: PLC0415

    uvicorn.run(create_app(Settings()), host=host, port=port, log_level="info", access_log=access_log)


@app.command()
def migrate() -> None:
    """Brings the relay database to the newest schema."""
    upgrade(Settings().database_url)
    typer.echo("database is up to date")


@app.command("create-key")
def create_key(
    name: str = typer.Option(..., help="Who uses the key, e.g. the app's name"),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}"),
    organisation: int | None = typer.Option(
        None, help="The organisation (its chain id) an organiser key acts for; required for organisers"
    ),
) -> None:
    """Creates an API key and prints its secret once; only a digest is stored."""
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}")
    settings = Settings()
    upgrade(settings.database_url)
    try:
        with transaction(make_sessionmaker(make_engine(settings.database_url))) as db:
            key, secret = create_api_key(db, name=name, role=role, organisation_id=organisation)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    scope = f" of organisation {organisation}" if organisation is not None else ""
    typer.echo(f"created {role} key #{key.id}{scope} for {name}; store this secret, it is not shown again:")
    typer.echo(secret)
