"""`yilian certificate issue|verify|pdf`: volunteer service certificates (志愿服务证明)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from yilian.audit.relay_records import relay_session
from yilian.certificates.model import SignedCertificate
from yilian.certificates.pdf import render_pdf
from yilian.certificates.store import keep
from yilian.certificates.verify import verify_certificate
from yilian.cli.chain_options import (
    DEFAULT_MANIFEST,
    DEFAULT_RPC_URL,
    EXIT_FINDINGS,
    ManifestPath,
    Poa,
    RpcUrl,
    fail,
    failures_exit_2,
    open_chain,
)
from yilian.relay.config import Settings
from yilian.relay.services.attester_keys import AttesterKeys
from yilian.relay.services.certificates import issue_certificate
from yilian.stats.period import Period

app = typer.Typer(help="Issue, verify and print volunteer service certificates.", no_args_is_help=True)

PublicBaseUrl = Annotated[
    str | None,
    typer.Option(
        envvar="YILIAN_PUBLIC_BASE_URL",
        help="The relay's public address: the QR code opens <it>/certificates/<number>. "
        "Default: this machine's LAN address, port 8000.",
    ),
]


def _load(path: Path) -> SignedCertificate:
    try:
        return SignedCertificate.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as error:
        fail(f"{path} is not a readable certificate: {error}")


@app.command()
def issue(
    app_user_id: Annotated[str, typer.Option(help="The volunteer, as the app knows them.")],
    organisation: Annotated[int, typer.Option(help="The issuing organisation's id.")],
    period_from: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (China time).")],
    period_to: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day, included.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The signed certificate (JSON).")],
    pdf: Annotated[Path | None, typer.Option(help="Also write the printable PDF here.")] = None,
    relay_db: Annotated[
        str | None, typer.Option(help="The relay's database URL (default: YILIAN_DATABASE_URL).")
    ] = None,
    rpc_url: RpcUrl = DEFAULT_RPC_URL,
    manifest: ManifestPath = DEFAULT_MANIFEST,
    poa: Poa = False,
    public_base_url: PublicBaseUrl = None,
) -> None:
    """Certifies the volunteer's confirmed, unrevoked sessions in the organisation's activities,
    signed with the organisation's attester key the relay holds (decrypted with
    YILIAN_CUSTODY_SECRET)."""
    settings = Settings()
    w3, deployment = open_chain(rpc_url, manifest, poa)
    try:
        period = Period(period_from.date(), period_to.date())
    except ValueError as error:
        fail(str(error))
    with failures_exit_2(), relay_session(relay_db or settings.database_url) as db:
        signed = issue_certificate(
            db, w3, deployment, app_user_id=app_user_id, organisation_id=organisation,
            period=period, issuer_key=AttesterKeys(settings.custody_password).key_of(db, organisation),
            now=int(time.time()),
        )  # fmt: skip
        keep(db, signed)  # so that its QR code's page can find it
        db.commit()
    out.write_text(signed.model_dump_json(indent=2) + "\n", encoding="utf-8")
    if pdf is not None:
        pdf.write_bytes(render_pdf(signed, public_base_url or settings.public_base))
    cert = signed.certificate
    typer.echo(f"{cert.number}: {cert.total_sessions} sessions, {cert.total_hours} hours → {out}")


@app.command()
def verify(
    certificate: Annotated[Path, typer.Argument(help="The signed certificate (JSON).")],
    rpc_url: RpcUrl = DEFAULT_RPC_URL,
    manifest: ManifestPath = DEFAULT_MANIFEST,
    poa: Poa = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Checks the signature, the totals and every session against the chain.
    Exit 0 valid, 1 invalid (the reasons are printed), 2 error."""
    signed = _load(certificate)
    w3, deployment = open_chain(rpc_url, manifest, poa)
    result = verify_certificate(w3, deployment, signed)
    if as_json:
        typer.echo(json.dumps(
            {"valid": result.valid, "reasons": result.reasons, "hash": result.hash, "signer": result.signer},
            ensure_ascii=False, indent=2,
        ))  # fmt: skip
    else:
        typer.echo(f"{signed.certificate.number}: {'VALID' if result.valid else 'INVALID'}")
        for reason in result.reasons:
            typer.echo(f"  - {reason}")
    if not result.valid:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("pdf")
def to_pdf(
    certificate: Annotated[Path, typer.Argument(help="The signed certificate (JSON).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The PDF to write.")],
    public_base_url: PublicBaseUrl = None,
) -> None:
    """Renders the certificate for printing, with a QR code leading to its verification page
    (which finds certificates the relay issued or kept: `yilian certificate issue` keeps them)."""
    signed = _load(certificate)
    out.write_bytes(render_pdf(signed, public_base_url or Settings().public_base))
    typer.echo(f"{signed.certificate.number} → {out}")
