"""Discover lists: activities near a point with filters, organisations, keyset pages, refusals;
a volunteer's sessions and 益币 history; merchants and live offers read from the chain."""

import pytest

from yilian.relay.worker import wait_until_idle

from .scenario import VENUE, Scenario, assert_error
from .seed import seed


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def listed(relay, path: str, **params) -> list[dict]:
    response = relay.client.get(path, params=params, headers=relay.headers("app"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def ids(items: list[dict]) -> list[int]:
    return [item["activity"]["id"] for item in items]


def test_near_a_point_keeps_activities_within_the_radius_measured_exactly(relay):
    here = seed(relay)
    close = seed(relay, north_m=600, starts_in=-3500)
    # Inside the bounding box of a 1 km circle (its corner) but 1.27 km away: the haversine drops it.
    corner = seed(relay, north_m=900, east_m=900)
    far = seed(relay, east_m=5000)
    items = listed(relay, "/v1/activities", latitude=VENUE["latitude"], longitude=VENUE["longitude"], radius_m=1000)
    assert ids(items) == [here, close]
    assert items[0]["distance_m"] < 1 and 590 < items[1]["distance_m"] < 610
    everything = listed(relay, "/v1/activities", limit=10)
    assert set(ids(everything)) == {here, close, corner, far} and everything[0]["distance_m"] is None


def test_filters_by_time_category_organisation_and_free_places(relay):
    now_open = seed(relay, category=1, organisation_id=1)
    upcoming = seed(relay, starts_in=3600, category=2, organisation_id=2)
    seed(relay, starts_in=-7200, lasts=3600)  # over already
    full = seed(relay, places=2, taken=2)
    roomy = seed(relay, places=2, taken=1)
    assert ids(listed(relay, "/v1/activities", when="upcoming")) == [upcoming]
    assert set(ids(listed(relay, "/v1/activities", when="open_now"))) == {now_open, full, roomy}
    assert ids(listed(relay, "/v1/activities", category=2)) == [upcoming]
    assert ids(listed(relay, "/v1/activities", organisation_id=2)) == [upcoming]
    free = listed(relay, "/v1/activities", when="open_now", free_places=True)
    assert full not in ids(free) and roomy in ids(free)
    assert next(item for item in free if item["activity"]["id"] == roomy)["free_places"] == 1


def test_pages_follow_the_cursor_without_gaps_or_repeats(relay):
    made = [seed(relay, starts_in=-3600 + minute * 60) for minute in range(5)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = relay.client.get("/v1/activities", params=params, headers=relay.headers("app")).json()
        seen += ids(page["items"])
        if not (cursor := page["next_cursor"]):
            break
    assert seen == made
    organisations = listed(relay, "/v1/organisations")
    assert [item["id"] for item in organisations] == [1]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"cursor": "bm90LWEtY3Vyc29y"}, "invalid_cursor"),
        ({"latitude": 30.0, "longitude": 120.0}, "incomplete_near"),
        ({"latitude": 91, "longitude": 120.0, "radius_m": 10}, "invalid_request"),
        ({"limit": 1000}, "invalid_request"),
        ({"when": "yesterday"}, "invalid_request"),
        ({"skill": "juggling"}, "unknown_skill"),
    ],
)
def test_bad_list_requests_are_refused_with_a_code(relay, params, code):
    response = relay.client.get("/v1/activities", params=params, headers=relay.headers("app"))
    assert_error(response, 422, code)


def test_organiser_sets_the_skills_an_activity_needs_and_the_list_filters_on_them(relay, scenario):
    organisation = scenario.organisation()
    organiser = relay.headers("organiser", organisation=organisation)
    now = int(relay.clock())
    body = {"organisation_id": organisation, "name": "助老陪诊", "category": 3, "starts_at": now - 600,
            "ends_at": now + 3600, "geofence": {**VENUE, "radius_m": 200}, "minute_cap": 60, "points_per_hour": 10,
            "skills": ["sign_language", "elderly_care", "elderly_care"]}  # fmt: skip
    created = relay.client.post("/v1/activities", json=body, headers=organiser)
    assert created.status_code == 201, created.text
    caring = created.json()
    assert caring["skills"] == ["elderly_care", "sign_language"]
    plain = seed(relay)
    assert ids(listed(relay, "/v1/activities", skill="elderly_care")) == [caring["id"]]
    assert listed(relay, "/v1/activities", skill="elderly_care")[0]["activity"]["skills"] == caring["skills"]
    assert ids(listed(relay, "/v1/activities", skill="first_aid")) == []
    edited = relay.client.put(
        f"/v1/activities/{caring['id']}/skills", json={"skills": ["first_aid"]}, headers=organiser
    )
    assert edited.status_code == 200 and edited.json()["skills"] == ["first_aid"], edited.text
    assert ids(listed(relay, "/v1/activities", skill="first_aid")) == [caring["id"]]
    assert ids(listed(relay, "/v1/activities", skill="elderly_care")) == []
    read = relay.client.get(f"/v1/activities/{caring['id']}", headers=organiser).json()
    assert read["skills"] == ["first_aid"]
    assert set(ids(listed(relay, "/v1/activities"))) == {caring["id"], plain}

    unknown = {"skills": ["first_aid", "juggling"]}
    assert_error(relay.client.put(f"/v1/activities/{caring['id']}/skills", json=unknown, headers=organiser), 422,
                 "unknown_skill")  # fmt: skip
    assert relay.client.get(f"/v1/activities/{caring['id']}", headers=organiser).json()["skills"] == ["first_aid"]
    before = relay.client.get("/v1/activities", params={"limit": 100}, headers=relay.headers("app")).json()["items"]
    assert_error(relay.client.post("/v1/activities", json=body | unknown, headers=organiser), 422, "unknown_skill")
    after = relay.client.get("/v1/activities", params={"limit": 100}, headers=relay.headers("app")).json()["items"]
    assert len(after) == len(before)  # refused before the chain: nothing created
    other = relay.headers("organiser", organisation=scenario.organisation())
    assert_error(relay.client.put(f"/v1/activities/{caring['id']}/skills", json={"skills": []}, headers=other), 403,
                 "other_organisation")  # fmt: skip
    assert_error(relay.client.put("/v1/activities/99999999/skills", json={"skills": []}, headers=organiser), 404,
                 "activity_not_found")  # fmt: skip


def test_lists_need_an_api_key(relay):
    assert_error(relay.client.get("/v1/activities"), 401, "unauthorized")


def test_volunteer_sees_own_sessions_with_hours_and_earnings(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    first = scenario.serve(activity, volunteer, 30 * 60)
    second = scenario.serve(activity, volunteer, 45 * 60)
    wait_until_idle(relay.worker, timeout_s=30)
    path = f"/v1/volunteers/{volunteer['app_user_id']}"
    sessions = listed(relay, f"{path}/sessions")
    assert [s["minutes"] for s in sessions] == [45, 30]  # newest first
    assert [s["check_in"]["id"] for s in sessions] == [second["check_in"]["id"], first["check_in"]["id"]]
    assert {s["attestation"]["status"] for s in sessions} == {"confirmed"}
    history = listed(relay, f"{path}/balance-history")
    assert [(h["kind"], h["amount"]) for h in history] == [("earned", 750), ("earned", 500)]
    assert_error(relay.client.get("/v1/volunteers/nobody/sessions", headers=relay.headers("app")), 404,
                 "volunteer_not_found")  # fmt: skip
