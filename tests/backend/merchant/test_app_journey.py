"""The app's path through the API, as the README's journey section lists it, on a real chain: find an
activity → sign up → approved → check in → check out → confirmed hours → spend 益币 on an offer found
in the list → ask for a correction and see it applied (the old session revoked, the new one
confirmed); then a community need matched to the volunteer and filled into an activity."""

from pathlib import Path

from tests.backend.relay.scenario import VENUE, Scenario
from yilian.relay.worker import wait_until_idle

from .conftest import EARNED, admin_offer, confirmed_voucher, new_merchant

FULL_WEEK = [{"start_minute": 0, "end_minute": 10_080}]


def ok(response, status: int = 200) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


def test_the_apps_path_from_finding_an_activity_to_a_filled_need(relay, face_provider, tmp_path: Path) -> None:
    scenario, app = Scenario(relay, face_provider), relay.headers("app")
    get = lambda path, **params: ok(relay.client.get(path, params=params, headers=app))  # noqa: E731
    organisation = scenario.organisation()
    organiser = relay.headers("organiser", organisation=organisation)
    now = int(relay.clock())
    activity = ok(relay.client.post("/v1/activities", headers=organiser, json={
        "organisation_id": organisation, "name": "社区助老", "category": 3, "starts_at": now - 600,
        "ends_at": now + 4 * 3600, "geofence": {**VENUE, "radius_m": 200}, "minute_cap": 240,
        "points_per_hour": 10, "skills": ["elderly_care"],
    }), 201)  # fmt: skip
    ok(relay.client.put(f"/v1/activities/{activity['id']}/signup-terms", headers=organiser,
                        json={"places": 5, "mode": "reviewed", "requires_signup": True}))  # fmt: skip
    volunteer = scenario.volunteer()  # custodial: the relay signs the voucher once the face confirms
    user = volunteer["app_user_id"]

    # Find it nearby, sign up, and wait for the organiser's approval.
    near = get("/v1/activities", when="open_now", latitude=VENUE["latitude"], longitude=VENUE["longitude"],
               radius_m=3000, skill="elderly_care", free_places=True)  # fmt: skip
    assert [item["activity"]["id"] for item in near["items"]] == [activity["id"]]
    signup = ok(relay.client.post(f"/v1/activities/{activity['id']}/signups", json={"app_user_id": user}, headers=app),
                201)  # fmt: skip
    assert signup["status"] == "pending"
    ok(relay.client.post(f"/v1/activities/{activity['id']}/signups/{user}/approve", headers=organiser))
    assert [s["status"] for s in get(f"/v1/volunteers/{user}/signups")["items"]] == ["approved"]

    # Serve 90 minutes: the hours are confirmed on chain.
    start = int(relay.clock())
    visit = scenario.check_in(activity, volunteer, at=start)
    relay.clock.advance(90 * 60)
    scenario.check_out(visit, volunteer, at=start + 90 * 60)
    wait_until_idle(relay.worker, timeout_s=30)
    [served] = get(f"/v1/volunteers/{user}/sessions")["items"]
    assert (served["state"], served["minutes"]) == ("confirmed", 90)

    # Spend 益币 on an offer found in the list; the merchant redeems the voucher.
    park = new_merchant(relay, tmp_path, kind="public_benefit")
    tickets = admin_offer(relay, park.address)
    assert tickets in [offer["offer_id"] for offer in get("/v1/offers", limit=100)["items"]]
    body = confirmed_voucher(relay, face_provider, volunteer, offer_id=tickets, quantity=2)
    voucher = tmp_path / "voucher.json"
    voucher.write_text(ok(relay.client.post(f"/v1/volunteers/{user}/vouchers", json=body, headers=app), 201)["payload"])
    park.sent("redeem", str(voucher))
    history = get(f"/v1/volunteers/{user}/balance-history")["items"]
    assert [(h["kind"], h["amount"]) for h in history] == [("spent", -500), ("earned", EARNED)]

    # Ask for a correction (the check-out came an hour late); the organiser's approval applies it.
    claim = {"app_user_id": user, "check_in_id": visit["id"], "check_in": start, "check_out": start + 30 * 60,
             "reason": "签退晚了一小时", "evidence": ["0x" + "ab" * 32]}  # fmt: skip
    correction = ok(relay.client.post("/v1/corrections", json=claim, headers=app), 201)
    ok(relay.client.post(f"/v1/corrections/{correction['id']}/approve", headers=organiser))
    wait_until_idle(relay.worker, timeout_s=30)
    [decided] = get(f"/v1/volunteers/{user}/corrections")["items"]
    assert decided["status"] == "applied" and decided["revoked_uid"] == served["attestation"]["uid"]
    states = {s["attestation"]["uid"]: s for s in get(f"/v1/volunteers/{user}/sessions")["items"]}
    assert states[decided["revoked_uid"]]["state"] == "revoked"
    assert states[decided["revoked_uid"]]["replaced_by"]["uid"] == decided["new_uid"]
    assert (states[decided["new_uid"]]["state"], states[decided["new_uid"]]["minutes"]) == ("confirmed", 30)

    # A community's need: the volunteer's resource profile fits it, and the fill makes it an activity.
    profile = {**VENUE, "travel_radius_m": 3000, "languages": ["zh"], "availability": FULL_WEEK,
               "skills": [{"skill": "elderly_care", "certified_until": None}]}  # fmt: skip
    ok(relay.client.put(f"/v1/volunteers/{user}/profile", json=profile, headers=app))
    need = ok(relay.client.post("/v1/needs", headers=organiser, json={
        "organisation_id": organisation, "title": "陪老人就医", "category": 3, "skills": ["elderly_care"],
        **VENUE, "starts_at": now + 86_400, "ends_at": now + 86_400 + 7200, "head_count": 1,
    }), 201)  # fmt: skip
    assert need["id"] in [p["need"]["id"] for p in get(f"/v1/volunteers/{user}/proposals")]
    filled = ok(relay.client.post(f"/v1/needs/{need['id']}/fill", json={}, headers=organiser))
    assert filled["status"] == "filled" and [a["app_user_id"] for a in filled["assigned"]] == [user]
    assert get(f"/v1/activities/{filled['activity_id']}")["skills"] == ["elderly_care"]
    assert len(get(f"/v1/volunteers/{user}/signups")["items"]) == 2  # an approved place in the need's activity
