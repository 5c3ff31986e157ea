"""Certificates issued through the relay from the journey, verified against the chain; every
kind of tampering, and a revocation after issue, makes verification fail with a reason."""

import copy
import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from tests.backend.audit.journey import AUDITOR, Journey
from yilian.certificates.model import Certificate, sign
from yilian.chain.eip712 import FastSigner
from yilian.cli.main import app


def organisation_key(journey: Journey, organisation: int) -> str:
    """The attester key the relay holds for one of the journey's organisations."""
    with journey.relay.sessions() as db:
        return journey.relay.chain.attesters.key_of(db, journey.organisations[organisation])


def issue(journey: Journey, volunteer: int = 0, organisation: int = 0):  # type: ignore[no-untyped-def]
    first, last = journey.period()
    body = {"app_user_id": journey.volunteers[volunteer]["app_user_id"],
            "organisation_id": journey.organisations[organisation], "from": first, "to": last}  # fmt: skip
    headers = journey.relay.headers("organiser", organisation=journey.organisations[organisation])
    return journey.relay.client.post("/v1/certificates", json=body, headers=headers)


def verify(journey: Journey, certificate: dict) -> dict:
    response = journey.relay.client.post(
        "/v1/certificates/verify", json=certificate, headers=journey.relay.headers("app")
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_issued_certificate_lists_the_sessions_and_verifies(journey: Journey) -> None:
    response = issue(journey)

    assert response.status_code == 201, response.text
    signed = response.json()
    cert = signed["certificate"]
    volunteer = journey.volunteers[0]
    expected = [s for s in journey.standing() if s.volunteer == volunteer["address"]
                and s.activity_id == journey.activities[0]["id"]]  # fmt: skip
    assert [(s["uid"], s["minutes"]) for s in cert["services"]] == [(s.uid, s.minutes) for s in expected]
    assert (cert["total_sessions"], cert["total_minutes"], cert["total_hours"]) == (2, 130, "2.16")
    assert cert["volunteer"] == {"real_name": volunteer["real_name"], "id_number_masked": volunteer["id_number_masked"],
                                 "address": volunteer["address"]}  # fmt: skip
    assert "*" in cert["volunteer"]["id_number_masked"]
    issuer = FastSigner(organisation_key(journey, 0)).address  # the organisation's own key
    assert cert["issuer"]["address"] == issuer
    assert cert["issuer"]["organisation_name"] == "西湖区青年志愿者协会"
    assert verify(journey, signed) == {"valid": True, "reasons": [], "hash": signed["hash"], "signer": issuer}


def test_a_certificate_signed_with_another_organisations_key_fails(journey: Journey) -> None:
    certificate = Certificate.model_validate(issue(journey).json()["certificate"])
    other_key = organisation_key(journey, 1)
    issuer = certificate.issuer.model_copy(update={"address": FastSigner(other_key).address})
    forged = sign(certificate.model_copy(update={"issuer": issuer}), other_key).model_dump(mode="json", by_alias=True)

    result = verify(journey, forged)

    assert result["valid"] is False
    assert result["reasons"] == [
        f"{issuer.address} is not an attester of organisation {journey.organisations[0]} on chain: "
        "it cannot certify the organisation's service"
    ]


def test_changed_hours_fail_naming_the_session(journey: Journey) -> None:
    signed = issue(journey).json()
    forged = copy.deepcopy(signed)
    service = forged["certificate"]["services"][0]
    service["minutes"] += 60
    forged["certificate"]["total_minutes"] += 60
    forged["certificate"]["total_hours"] = "3.16"

    result = verify(journey, forged)

    assert result["valid"] is False
    named = [reason for reason in result["reasons"] if service["uid"] in reason]
    assert named and "the chain has 90" in named[0]
    assert any("changed after signing" in reason for reason in result["reasons"])


def test_an_altered_signature_fails(journey: Journey) -> None:
    signed = issue(journey).json()
    signature = bytearray.fromhex(signed["signature"][2:])
    signature[5] ^= 0x01
    forged = {**signed, "signature": "0x" + signature.hex()}

    result = verify(journey, forged)

    assert result["valid"] is False
    assert any("signature" in reason for reason in result["reasons"]), result["reasons"]


def test_a_session_revoked_after_issue_makes_the_certificate_fail(journey: Journey) -> None:
    signed = issue(journey).json()
    revoked = signed["certificate"]["services"][1]
    ledger = journey.contract("HourLedger")
    journey.send(AUDITOR, ledger.functions.revoke(
        signed["certificate"]["volunteer"]["address"], revoked["activity_id"], revoked["session"], "重复签到"
    ))  # fmt: skip

    result = verify(journey, signed)

    assert result["valid"] is False
    assert result["reasons"] == [
        f"session {revoked['uid']} (activity {revoked['activity_id']}, session {revoked['session']}) "
        "was revoked on chain"
    ]
    # A certificate issued now leaves the revoked session out, and verifies.
    reissued = issue(journey).json()
    assert [s["uid"] for s in reissued["certificate"]["services"]] == [signed["certificate"]["services"][0]["uid"]]
    assert verify(journey, reissued)["valid"] is True


def test_only_revoked_service_gives_no_certificate(journey: Journey) -> None:
    response = issue(journey, volunteer=0, organisation=1)  # its one session there was revoked

    assert response.status_code == 422
    assert response.json()["code"] == "no_service_in_period"


def test_the_cli_issues_verifies_and_prints(journey: Journey, tmp_path: Path) -> None:
    chain = ["--rpc-url", journey.rpc_url, "--manifest", str(journey.manifest_path)]
    runner = CliRunner()
    first, last = journey.period()
    issued = runner.invoke(app, [
        "certificate", "issue", "--app-user-id", journey.volunteers[2]["app_user_id"],
        "--organisation", str(journey.organisations[1]), "--from", first, "--to", last,
        "--relay-db", journey.database_url, "--out", str(tmp_path / "cert.json"), *chain,
        "--public-base-url", "https://yilian.example.gov.cn",
    ])  # fmt: skip
    assert issued.exit_code == 0, issued.output
    assert runner.invoke(app, ["certificate", "verify", str(tmp_path / "cert.json"), *chain]).exit_code == 0

    printed = runner.invoke(app, ["certificate", "pdf", str(tmp_path / "cert.json"), "-o", str(tmp_path / "cert.pdf"),
                                  "--public-base-url", "https://yilian.example.gov.cn"])  # fmt: skip
    assert printed.exit_code == 0, printed.output
    pdf = (tmp_path / "cert.pdf").read_bytes()
    number = json.loads((tmp_path / "cert.json").read_text())["certificate"]["number"]
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 5_000
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "cert.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert number in text and "志愿服务证明" in text
    # The relay kept what the CLI issued: the QR code's page finds it.
    digest = json.loads((tmp_path / "cert.json").read_text())["hash"]
    page = journey.relay.client.get(f"/certificates/{number}?hash={digest}&format=json")
    assert page.status_code == 200 and page.json()["valid"] is True

    forged = json.loads((tmp_path / "cert.json").read_text())
    forged["certificate"]["services"][0]["check_out"] += 3600
    (tmp_path / "forged.json").write_text(json.dumps(forged, ensure_ascii=False))
    rejected = runner.invoke(app, ["certificate", "verify", str(tmp_path / "forged.json"), *chain])
    assert rejected.exit_code == 1
    assert "INVALID" in rejected.output and forged["certificate"]["services"][0]["uid"] in rejected.output
