"""Needs and resources: hard filters (skills with valid certificates, travel radius, availability,
language, no double-booking), the ranked proposals with reasons, and filling needs with the solver
into activities whose places the assigned volunteers hold."""

import pytest

from .scenario import VENUE, Scenario, assert_error
from .seed import METRES_PER_DEGREE

FULL_WEEK = [{"start_minute": 0, "end_minute": 10_080}]
FAR_FUTURE = 4_000_000_000


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def north(metres: float) -> dict:
    return {"latitude": VENUE["latitude"] + metres / METRES_PER_DEGREE, "longitude": VENUE["longitude"]}


def volunteer_with(relay, scenario, *, at_m: float = 0, radius_m: float = 5000, skills=(("first_aid", FAR_FUTURE),),
                   availability=FULL_WEEK, languages=("zh",)) -> dict:  # fmt: skip
    volunteer = scenario.volunteer(own_wallet=True)
    body = {**north(at_m), "travel_radius_m": radius_m, "languages": list(languages), "availability": availability,
            "skills": [{"skill": s, "certified_until": until} for s, until in skills]}  # fmt: skip
    response = relay.client.put(f"/v1/volunteers/{volunteer['app_user_id']}/profile", json=body,
                                headers=relay.headers("app"))  # fmt: skip
    assert response.status_code == 200, response.text
    return volunteer


def need(relay, organisation: int, *, head_count: int = 1, starts_in: int = -600, lasts: int = 3600,
         as_role="organiser", **extra):  # fmt: skip
    now = int(relay.clock())
    body = {"organisation_id": organisation, "title": "陪老人就医", "category": 3, "skills": ["first_aid"],
            **north(0), "starts_at": now + starts_in, "ends_at": now + starts_in + lasts,
            "head_count": head_count} | extra  # fmt: skip
    headers = relay.headers("admin") if as_role == "admin" else relay.headers("organiser", organisation=organisation)
    return relay.client.post("/v1/needs", json=body, headers=headers)


def posted(relay, organisation: int, **terms) -> dict:
    response = need(relay, organisation, **terms)
    assert response.status_code == 201, response.text
    return response.json()


def users(items: list[dict]) -> list[str]:
    return [item["app_user_id"] for item in items]


def test_proposals_keep_only_those_who_fit_ranked_with_reasons(relay, scenario):
    organisation = scenario.organisation()
    best = volunteer_with(relay, scenario, at_m=1000)
    second = volunteer_with(relay, scenario, at_m=3000)
    expired = volunteer_with(relay, scenario, skills=(("first_aid", int(relay.clock()) + 60),))
    unskilled = volunteer_with(relay, scenario, skills=(("cooking", None),))
    too_far = volunteer_with(relay, scenario, at_m=8000)
    busy = volunteer_with(relay, scenario, availability=[{"start_minute": 0, "end_minute": 1}])
    target = posted(relay, organisation, head_count=2)
    proposals = relay.client.get(
        f"/v1/needs/{target['id']}/proposals", headers=relay.headers("organiser", organisation=organisation)
    ).json()
    assert users(proposals) == [best["app_user_id"], second["app_user_id"]]
    assert proposals[0]["score"] > proposals[1]["score"]
    assert proposals[0]["reasons"][0].startswith("has first_aid (certified until 2096-")
    assert "1.0 km away" in proposals[0]["reasons"][1]
    left_out = {v["app_user_id"] for v in (expired, unskilled, too_far, busy)}
    assert not left_out & set(users(proposals))
    english = posted(relay, organisation, language="en")
    assert (
        relay.client.get(
            f"/v1/needs/{english['id']}/proposals", headers=relay.headers("organiser", organisation=organisation)
        ).json()
        == []
    )
    mine = relay.client.get(f"/v1/volunteers/{best['app_user_id']}/proposals", headers=relay.headers("app")).json()
    assert target["id"] in [item["need"]["id"] for item in mine]


def test_a_filled_need_becomes_an_activity_the_assigned_volunteers_check_in_to(relay, scenario):
    organisation = scenario.organisation()
    chosen = [volunteer_with(relay, scenario, at_m=m) for m in (100, 200)]
    left = volunteer_with(relay, scenario, at_m=4000)
    target = posted(relay, organisation, head_count=2)
    filled = relay.client.post(
        f"/v1/needs/{target['id']}/fill", json={}, headers=relay.headers("organiser", organisation=organisation)
    ).json()
    assert filled["status"] == "filled" and filled["activity_id"] is not None
    assert set(users(filled["assigned"])) == {v["app_user_id"] for v in chosen}
    activity = relay.client.get(f"/v1/activities/{filled['activity_id']}", headers=relay.headers("app")).json()
    assert (activity["name"], activity["category"], activity["starts_at"]) == ("陪老人就医", 3, target["starts_at"])
    scenario.check_in(activity, chosen[0])
    scenario.check_in_refused(activity["id"], scenario.check_in_body(activity, left), 403, "not_signed_up")
    again = relay.client.post(
        f"/v1/needs/{target['id']}/fill", json={}, headers=relay.headers("organiser", organisation=organisation)
    ).json()
    assert again["activity_id"] == filled["activity_id"]  # filling twice changes nothing


def test_one_fill_beats_greedy_and_never_double_books(relay, scenario):
    organisation = scenario.organisation()
    versatile = volunteer_with(relay, scenario, at_m=100, skills=(("first_aid", FAR_FUTURE), ("sign_language", None)))
    medic = volunteer_with(relay, scenario, at_m=200)
    # In order, a greedy fill gives the first need its best fit (the versatile volunteer) and
    # leaves the second, which only that volunteer can serve, empty.
    first = posted(relay, organisation)
    second = posted(relay, organisation, skills=["first_aid", "sign_language"])
    path = f"/v1/organisations/{organisation}/needs/fill"
    filled = {
        n["id"]: n
        for n in relay.client.post(path, json={}, headers=relay.headers("organiser", organisation=organisation)).json()
    }
    assert users(filled[first["id"]]["assigned"]) == [medic["app_user_id"]]
    assert users(filled[second["id"]]["assigned"]) == [versatile["app_user_id"]]
    overlapping = posted(relay, organisation, starts_in=0)
    assert (
        relay.client.get(
            f"/v1/needs/{overlapping['id']}/proposals", headers=relay.headers("organiser", organisation=organisation)
        ).json()
        == []
    )
    fill = relay.client.post(
        f"/v1/needs/{overlapping['id']}/fill", json={}, headers=relay.headers("organiser", organisation=organisation)
    )
    assert_error(fill, 409, "no_volunteer_fits")
    assert relay.client.get(f"/v1/needs/{overlapping['id']}", headers=relay.headers("app")).json()["status"] == "open"


def test_bad_needs_and_profiles_are_refused(relay, scenario):
    organisation = scenario.organisation()
    assert_error(need(relay, organisation, lasts=-60), 422, "invalid_need_window")
    assert_error(need(relay, 10**9, as_role="admin"), 404, "organisation_not_found")
    assert_error(need(relay, organisation, head_count=0), 422, "invalid_request")
    assert_error(need(relay, organisation, skills=["juggling"]), 422, "unknown_skill")
    volunteer = scenario.volunteer(own_wallet=True)
    path = f"/v1/volunteers/{volunteer['app_user_id']}"
    assert_error(relay.client.get(f"{path}/proposals", headers=relay.headers("app")), 404, "profile_not_found")
    body = {**north(0), "travel_radius_m": 1000, "availability": [{"start_minute": 600, "end_minute": 60}]}
    assert_error(relay.client.put(f"{path}/profile", json=body, headers=relay.headers("app")), 422, "invalid_window")
    body |= {"availability": [], "travel_radius_m": 50_000}
    assert_error(relay.client.put(f"{path}/profile", json=body, headers=relay.headers("app")), 422, "invalid_request")
    unknown = {"skills": [{"skill": "juggling", "certified_until": None}], "travel_radius_m": 1000}
    assert_error(relay.client.put(f"{path}/profile", json=body | unknown, headers=relay.headers("app")), 422,
                 "unknown_skill")  # fmt: skip
    assert_error(relay.client.put("/v1/volunteers/nobody/profile", json=body | {"travel_radius_m": 10},
                                  headers=relay.headers("app")), 404, "volunteer_not_found")  # fmt: skip
    own = relay.headers("organiser", organisation=organisation)
    assert_error(relay.client.post("/v1/needs/999999/fill", json={}, headers=own), 404,
                 "need_not_found")  # fmt: skip
