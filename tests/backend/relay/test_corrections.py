"""Correction requests: the volunteer asks, the organisation decides, an auditor confirms what
raises hours; an applied correction revokes the old session on chain and issues the corrected
one through the outbox; refusals write nothing; the audit export carries the trail."""

import csv

import pytest
from sqlalchemy import func, select

from yilian.audit.run import run_audit
from yilian.chain.manifest import Manifest
from yilian.relay.corrections.models import Correction
from yilian.relay.db.models import Activity
from yilian.relay.worker import wait_until_idle

from .scenario import Scenario, assert_error

REVOKED = 2


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def served(relay, scenario: Scenario, minutes: int) -> tuple[dict, dict, dict]:
    """A volunteer's confirmed session of `minutes`: (activity, volunteer, check-out answer)."""
    activity, volunteer = scenario.activity_and_volunteer(starts_in=-4 * 3600)
    answer = scenario.serve(activity, volunteer, minutes * 60)
    wait_until_idle(relay.worker, timeout_s=30)
    return activity, volunteer, answer


def request(relay, volunteer: dict, **claim):
    body = {"app_user_id": volunteer["app_user_id"], "reason": "签退时手机没电", "evidence": ["0x" + "ab" * 32]} | claim
    return relay.client.post("/v1/corrections", json=body, headers=relay.headers("app"))


def filed(relay, volunteer: dict, **claim) -> dict:
    response = request(relay, volunteer, **claim)
    assert response.status_code == 201, response.text
    return response.json()


def act(relay, correction: dict, action: str, role: str, **body):
    """`role` acts on the correction; an organiser key is the one of the activity's organisation."""
    path = f"/v1/corrections/{correction['id']}/{action}"
    if role != "organiser":
        return relay.client.post(path, json=body or None, headers=relay.headers(role))
    with relay.sessions() as db:
        organisation = db.get(Activity, correction["activity_id"]).organisation_id
    return relay.client.post(path, json=body or None, headers=relay.headers(role, organisation=organisation))


def corrections(relay) -> int:
    with relay.sessions() as db:
        return db.scalar(select(func.count()).select_from(Correction))


def on_chain(relay, volunteer: dict, activity: dict, session: int) -> tuple:
    return relay.chain.ledger.functions.attestationOf(volunteer["address"], activity["id"], session).call()


def test_a_shorter_session_is_applied_on_the_organisers_word_and_the_audit_shows_the_trail(relay, scenario, tmp_path):
    activity, volunteer, answer = served(relay, scenario, 90)
    session = answer["attestation"]
    start = session["check_in"]
    correction = filed(relay, volunteer, check_in_id=answer["check_in"]["id"], check_in=start,
                       check_out=start + 60 * 60)  # fmt: skip
    assert (correction["status"], correction["old_minutes"], correction["new_minutes"]) == ("submitted", 90, 60)

    applied = act(relay, correction, "approve", "organiser").json()
    assert applied["status"] == "applied" and applied["revoked_uid"] == session["uid"]
    assert on_chain(relay, volunteer, activity, 0)[1] == REVOKED
    wait_until_idle(relay.worker, timeout_s=30)
    new = relay.client.get(f"/v1/attestations/{applied['new_uid']}", headers=relay.headers("app")).json()
    assert (new["status"], new["session"], new["minutes"]) == ("confirmed", 1, 60)
    assert relay.chain.ledger.functions.minutesServed(volunteer["address"]).call() == 60
    # The revoked session's points were still owed: taken back without a Transfer, shown once.
    path = f"/v1/volunteers/{volunteer['app_user_id']}/balance-history"
    history = relay.client.get(path, headers=relay.headers("app")).json()["items"]
    assert [h["kind"] for h in history] == ["earned", "burned", "earned"]
    assert history[1]["amount"] == -history[2]["amount"]
    assert sum(h["amount"] for h in history) == relay.chain.yicoin.functions.balanceOf(volunteer["address"]).call()
    mine = relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}/corrections", headers=relay.headers("app"))
    assert [c["status"] for c in mine.json()["items"]] == ["applied"]
    listed = relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}/sessions", headers=relay.headers("app"))
    by_uid = {item["attestation"]["uid"]: item for item in listed.json()["items"]}  # both start at `start`
    revoked, corrected = by_uid[session["uid"]], by_uid[applied["new_uid"]]
    assert (revoked["state"], revoked["minutes"], revoked["attestation"]["uid"]) == ("revoked", 90, session["uid"])
    assert revoked["replaced_by"] == {"correction_id": correction["id"], "uid": applied["new_uid"], "session": 1}
    assert (corrected["state"], corrected["minutes"], corrected["replaced_by"]) == ("confirmed", 60, None)

    report = run_audit(relay.chain.w3, Manifest.load(relay.settings.manifest_path),
                       relay_db=relay.settings.database_url, out=tmp_path)  # fmt: skip
    ours = {session["uid"].lower(), applied["new_uid"].lower()}
    assert not [f for f in report.findings if f.uid in ours], "the audit disagrees with the corrected record"
    with (tmp_path / "corrections.csv").open() as trail:
        [row] = list(csv.DictReader(trail))
    assert (row["status"], row["revoked_uid"], row["new_uid"]) == ("applied", session["uid"], applied["new_uid"])


def test_a_missing_session_needs_an_auditor_before_anything_reaches_the_chain(relay, scenario):
    activity, volunteer, _ = served(relay, scenario, 30)
    start = activity["starts_at"] + 60
    correction = filed(relay, volunteer, activity_id=activity["id"], check_in=start, check_out=start + 45 * 60)
    waiting = act(relay, correction, "approve", "organiser").json()
    assert (waiting["status"], waiting["new_uid"]) == ("awaiting_auditor", None)
    assert relay.chain.ledger.functions.minutesServed(volunteer["address"]).call() == 30
    assert_error(act(relay, correction, "confirm", "organiser"), 403, "wrong_role")
    assert_error(act(relay, correction, "approve", "organiser"), 409, "correction_not_submitted")

    confirmed = act(relay, correction, "confirm", "auditor").json()
    assert confirmed["status"] == "applied" and confirmed["revoked_uid"] is None
    wait_until_idle(relay.worker, timeout_s=30)
    assert relay.chain.ledger.functions.minutesServed(volunteer["address"]).call() == 75
    assert on_chain(relay, volunteer, activity, 1)[2] == 45


def test_rejections_carry_reasons_and_undecided_requests_expire(relay, scenario):
    activity, volunteer, answer = served(relay, scenario, 30)
    start = answer["attestation"]["check_in"]
    claim = {"check_in_id": answer["check_in"]["id"], "check_in": start, "check_out": start + 40 * 60}
    first = filed(relay, volunteer, **claim)
    rejected = act(relay, first, "reject", "organiser", reason="签到记录显示已离开").json()
    assert (rejected["status"], rejected["decision_reason"]) == ("rejected", "签到记录显示已离开")
    raising = filed(relay, volunteer, **claim)  # a rejected request no longer blocks a new one
    assert act(relay, raising, "approve", "organiser").json()["status"] == "awaiting_auditor"
    declined = act(relay, raising, "decline", "auditor", reason="证据不足").json()
    assert (declined["status"], declined["decision_reason"]) == ("rejected", "证据不足")
    late = filed(relay, volunteer, **claim)
    relay.clock.advance(15 * 86_400)
    assert relay.client.get(f"/v1/corrections/{late['id']}", headers=relay.headers("app")).json()["status"] == "expired"
    assert_error(act(relay, late, "approve", "organiser"), 409, "correction_not_submitted")
    assert relay.chain.ledger.functions.minutesServed(volunteer["address"]).call() == 30


def test_bad_requests_are_refused_and_write_nothing(relay, scenario):
    activity, volunteer, answer = served(relay, scenario, 30)
    start, visit = answer["attestation"]["check_in"], answer["check_in"]["id"]
    other = scenario.volunteer(own_wallet=True)
    cases = [
        (dict(check_in=start, check_out=start + 60), 422, "correction_target"),
        (dict(check_in_id=visit, activity_id=activity["id"], check_in=start, check_out=start + 60), 422,
         "correction_target"),
        (dict(activity_id=activity["id"], check_in=start - 10**6, check_out=start - 10**6 + 3600), 422,
         "no_service_time"),
        (dict(check_in_id=visit, check_in=start + 600, check_out=start), 422, "check_out_before_check_in"),
        (dict(check_in_id="no-such-session", check_in=start, check_out=start + 60), 404, "check_in_not_found"),
        (dict(activity_id=10**12, check_in=start, check_out=start + 60), 404, "activity_not_found"),
        (dict(check_in_id=visit, check_in=start, check_out=start + 60, evidence=[]), 201, None),
        (dict(check_in_id=visit, check_in=start, check_out=start + 120), 409, "correction_open"),
        (dict(check_in_id=visit, check_in=start, check_out=start + 60, reason=""), 422, "invalid_request"),
    ]  # fmt: skip
    for claim, status, code in cases:
        before = corrections(relay)
        response = request(relay, volunteer, **claim)
        if code is None:
            assert response.status_code == status, response.text
            continue
        assert_error(response, status, code)
        assert corrections(relay) == before
    assert_error(request(relay, other, check_in_id=visit, check_in=start, check_out=start + 60), 404,
                 "check_in_not_found")  # fmt: skip
    pending_visit = scenario.check_in(activity, other)
    assert_error(request(relay, other, check_in_id=pending_visit["id"], check_in=start, check_out=start + 60), 409,
                 "check_in_still_open")  # fmt: skip
