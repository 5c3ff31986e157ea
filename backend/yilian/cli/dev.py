"""`yilian dev …`: stand-ins for what lies outside the project on a local run.

The identity provider here is the fake one of local runs and tests: it signs real EIP-712
assertions with a well-known development key that the relay trusts only in development.
"""

import json
import os
import time

import typer

from yilian.relay.auth import create_api_key
from yilian.relay.config import DEV_FACE_PROVIDER_KEY, Settings
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.session import make_engine, make_sessionmaker, transaction
from yilian.relay.verification import FakeFaceProvider

app = typer.Typer(help="Development helpers for a local run (make run).", no_args_is_help=True)


@app.command("face-assertion")
def face_assertion(volunteer: str = typer.Option(..., help="The volunteer's address"), score: int = 9500) -> None:
    """Prints a face-match assertion for `volunteer`, signed by the development provider."""
    if Settings().environment != "development":
        raise typer.BadParameter("the fake identity provider exists only in development")
    assertion = FakeFaceProvider(DEV_FACE_PROVIDER_KEY).assert_match(volunteer, int(time.time()), score)
    typer.echo(json.dumps(assertion.model_dump()))


@app.command("api-keys")
def api_keys(env_file: str = "var/dev-api-keys.env") -> None:
    """Creates an app, an auditor and an admin key and writes them to `env_file` (mode 0600), for
    the README's walkthrough. Never shown on screen. Organiser keys belong to one organisation:
    `yilian relay create-key --role organiser --organisation N` once it exists."""
    settings = Settings()
    upgrade(settings.database_url)
    with transaction(make_sessionmaker(make_engine(settings.database_url))) as db:
        lines = [
            f"YILIAN_{role.upper()}_KEY={create_api_key(db, name=f'dev {role}', role=role)[1]}"
            for role in ("app", "auditor", "admin")
        ]
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    typer.echo(f"development API keys written to {env_file}")
