"""A client generated from the relay's OpenAPI document (openapi-python-client) runs the README's
walkthrough against the relay (real ganache, real SQLite): if the document and the API drift
apart, generation, a call's shape or a response's parsing breaks here."""

import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from yilian.relay.db.migrate import upgrade
from yilian.relay.worker import wait_until_idle

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
VENUE = {"latitude": 30.2742, "longitude": 120.1550, "accuracy_m": 15}


@pytest.fixture
def database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'relay.db'}"
    upgrade(url)
    return url


@pytest.fixture
def generated(relay, tmp_path):
    """The package `yilian_relay_client`, generated from /openapi.json into a temporary folder."""
    (tmp_path / "openapi.json").write_text(json.dumps(relay.client.get("/openapi.json").json()))
    (tmp_path / "config.yaml").write_text("package_name_override: yilian_relay_client\npost_hooks: []\n")
    subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--config", "config.yaml", "--meta", "none",
         "--output-path", "yilian_relay_client", "--fail-on-warning"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(tmp_path))
    try:
        yield lambda name: importlib.import_module(f"yilian_relay_client.{name}")
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("yilian_relay_client")]:
            del sys.modules[module]


def test_the_walkthrough_runs_through_the_generated_client(relay, generated, face_provider):
    models, client_module = generated("models"), generated("client")

    def client(role: str):  # noqa: ANN202 - the generated class
        transport = relay.client._transport  # the relay in process, over HTTP semantics
        return client_module.AuthenticatedClient(
            base_url="http://testserver", token=relay.keys[role], httpx_args={"transport": transport}
        )

    def call(operation: str, role: str, expected: int, **kwargs):  # noqa: ANN202
        module = generated(f"api.{operation}")
        response = module.sync_detailed(client=client(role), **kwargs)
        assert response.status_code == expected, response.content
        return response.parsed

    now = int(relay.clock())
    organisation = call("organisations_and_activities.create_organisation", "admin", 201,
                        body=models.OrganisationIn(name="西湖区青年志愿者协会"))  # fmt: skip
    relay.keys["organiser"] = relay.organiser_key(organisation.id)  # as `create-key --organisation` gives it
    activity = call(
        "organisations_and_activities.create_activity", "organiser", 201,
        body=models.ActivityIn(
            organisation_id=organisation.id, name="西溪湿地清洁", category=1, starts_at=now - 3600,
            ends_at=now + 4 * 3600, geofence=models.GeofenceIn(latitude=30.2741, longitude=120.1551, radius_m=300),
            minute_cap=480, points_per_hour=10,
        ),
    )  # fmt: skip
    volunteer = call(
        "volunteers.register_volunteer", "app", 201, idempotency_key=str(uuid.uuid4()),
        body=models.VolunteerIn(
            app_user_id="wx-10001", identity=models.IdentityIn(real_name="张三", id_number="330106199001011234")
        ),
    )  # fmt: skip
    code = call("organisations_and_activities.signin_code", "organiser", 200, activity_id=activity.id)
    face = face_provider.assert_match(volunteer.address, now, 9500).model_dump()
    visit = call(
        "check_ins.check_in", "app", 201, activity_id=activity.id, idempotency_key=str(uuid.uuid4()),
        body=models.CheckInIn(
            app_user_id="wx-10001", location=models.LocationIn(**VENUE), signin_code=code.code,
            face_assertion=models.FaceAssertion.from_dict(face),
        ),
    )  # fmt: skip
    relay.clock.advance(240)
    done = call(
        "check_ins.check_out", "app", 200, check_in_id=visit.id, idempotency_key=str(uuid.uuid4()),
        body=models.CheckOutIn(app_user_id="wx-10001", location=models.LocationIn(**VENUE)),
    )  # fmt: skip
    assert done.minutes == 4
    wait_until_idle(relay.worker, timeout_s=30)  # the outbox worker puts the attestation on chain
    page = call("attestations.list_attestations", "app", 200, app_user_id="wx-10001", limit=10)
    assert [item.status for item in page.items] == ["confirmed"] and page.next_cursor is None
    balance = call("volunteers.read_volunteer", "app", 200, app_user_id="wx-10001")
    assert (balance.minutes_served, balance.yicoin_balance) == (4, 4 * 10 * 100 // 60)  # 0.01 units

    refused = call("volunteers.read_volunteer", "app", 404, app_user_id="wx-nobody")
    assert isinstance(refused, models.ErrorOut) and refused.code == "volunteer_not_found"
