"""Operating the relay: health, metrics, the API's documentation, and API keys made by the CLI."""

import hashlib

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from yilian.cli.main import app as yilian_cli
from yilian.relay.db.models import ApiKey

from .scenario import Scenario, assert_error

METRICS = (
    "yilian_outbox_attestations",
    "yilian_batch_size",
    "yilian_checkout_to_confirmed_seconds",
    "yilian_attestations_confirmed_total",
    "yilian_attestations_rejected_total",
    "yilian_transactions_total",
    "yilian_worker_errors_total",
)


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def test_healthz_reports_database_and_chain_ok(relay):
    response = relay.client.get("/healthz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["database"], body["chain"]) == ("ok", True, True)
    (endpoint,) = body["endpoints"]
    assert endpoint["url"] == relay.settings.rpc_url and endpoint["active"] and endpoint["reachable"]
    assert (endpoint["chain_id"], endpoint["error"]) == (1337, None) and endpoint["block_number"] >= 0


def test_metrics_expose_the_outbox_by_status_and_the_submission_metrics(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    scenario.serve(activity, volunteer, seconds=10 * 60)
    scenario.settle()

    response = relay.client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for name in METRICS:
        assert f"# HELP {name} " in response.text, name
    assert 'yilian_outbox_attestations{status="confirmed"} 1.0' in response.text


def test_openapi_schema_and_docs_page_are_served(relay):
    schema = relay.client.get("/openapi.json")
    assert schema.status_code == 200
    assert {
        "/v1/volunteers",
        "/v1/activities/{activity_id}/check-ins",
        "/v1/check-ins/{check_in_id}/check-out",
        "/v1/attestations/{uid}",
        "/healthz",
    } <= set(schema.json()["paths"])
    docs = relay.client.get("/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text and "/openapi.json" in docs.text


def test_create_key_prints_a_secret_that_authenticates_and_stores_only_its_digest(relay):
    # The CLI writes to the running relay's own (temporary) database.
    result = CliRunner().invoke(
        yilian_cli,
        ["relay", "create-key", "--name", "志愿汇 app", "--role", "organiser"],
        env={"YILIAN_DATABASE_URL": relay.settings.database_url},
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]

    authorised = relay.client.get("/v1/activities/404", headers={"Authorization": f"Bearer {secret}"})

    assert_error(authorised, 404, "activity_not_found")  # past the key check, into the route
    with relay.sessions() as session:
        key = session.scalars(select(ApiKey).where(ApiKey.name == "志愿汇 app")).one()
        stored = [str(getattr(key, column.key)) for column in ApiKey.__table__.columns]
    assert (key.role, key.secret_hash) == ("organiser", hashlib.sha256(secret.encode()).hexdigest())
    assert not any(secret in value for value in stored)
