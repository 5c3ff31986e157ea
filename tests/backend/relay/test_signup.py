"""Sign-up (报名): places, first come or reviewed, a waiting list that moves up, deadlines,
refusals that write nothing, check-in only when signed up, no-shows, and the race for the last
place run as concurrent requests."""

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from sqlalchemy import func, select

from yilian.relay.db.models import Activity
from yilian.relay.signup.models import Signup, SignupTerms

from .scenario import Scenario, assert_error
from .seed import seed


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def sign_up(relay, activity_id: int, volunteer: dict, **extra):
    body = {"app_user_id": volunteer["app_user_id"], **extra}
    return relay.client.post(f"/v1/activities/{activity_id}/signups", json=body, headers=relay.headers("app"))


def signed_up(relay, activity_id: int, volunteer: dict, status: str) -> dict:
    response = sign_up(relay, activity_id, volunteer)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == status
    return response.json()


def organiser_of(relay, activity_id: int) -> dict[str, str]:
    """The headers of the organiser key of the activity's organisation."""
    with relay.sessions() as db:
        organisation = db.get(Activity, activity_id).organisation_id
    return relay.headers("organiser", organisation=organisation)


def organiser(relay, activity_id: int, action: str, volunteer: dict, **body):
    path = f"/v1/activities/{activity_id}/signups/{volunteer['app_user_id']}/{action}"
    return relay.client.post(path, json=body or None, headers=organiser_of(relay, activity_id))


def terms(relay, activity_id: int, **body):
    return relay.client.put(
        f"/v1/activities/{activity_id}/signup-terms", json=body, headers=organiser_of(relay, activity_id)
    )


def signups_written(relay) -> tuple[int, int]:
    with relay.sessions() as db:
        return db.scalar(select(func.count()).select_from(Signup)), db.scalar(
            select(func.sum(SignupTerms.places_taken))
        )


def refused(relay, send, status: int, code: str) -> None:
    before = signups_written(relay)
    assert_error(send(), status, code)
    assert signups_written(relay) == before, "a refused request wrote a sign-up or took a place"


def test_first_come_then_waiting_list_which_moves_up_when_a_place_frees(relay, scenario):
    activity = seed(relay, places=1)
    first, second, third = (scenario.volunteer(own_wallet=True) for _ in range(3))
    signed_up(relay, activity, first, "approved")
    signed_up(relay, activity, second, "waitlisted")
    refused(relay, lambda: sign_up(relay, activity, third, waitlist=False), 409, "activity_full")
    refused(relay, lambda: sign_up(relay, activity, first), 409, "already_signed_up")

    cancel = {"app_user_id": first["app_user_id"]}
    response = relay.client.post(f"/v1/activities/{activity}/signups/cancel", json=cancel, headers=relay.headers("app"))
    assert response.json()["status"] == "cancelled"
    mine = relay.client.get(f"/v1/volunteers/{second['app_user_id']}/signups", headers=relay.headers("app"))
    assert [s["status"] for s in mine.json()["items"]] == ["approved"]  # moved up into the freed place
    signed_up(relay, activity, first, "waitlisted")  # signing up again joins the end of the queue
    assert signups_written(relay) == (2, 1)


def test_reviewed_sign_ups_wait_for_the_organiser_who_approves_within_places_or_rejects(relay, scenario):
    activity = seed(relay, places=1, mode="reviewed")
    chosen, other = scenario.volunteer(own_wallet=True), scenario.volunteer(own_wallet=True)
    signed_up(relay, activity, chosen, "pending")
    signed_up(relay, activity, other, "pending")
    assert organiser(relay, activity, "approve", chosen).json()["status"] == "approved"
    refused(relay, lambda: organiser(relay, activity, "approve", other), 409, "activity_full")
    refused(relay, lambda: organiser(relay, activity, "approve", chosen), 409, "signup_not_pending")
    rejected = organiser(relay, activity, "reject", other, reason="需要急救证书")
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "需要急救证书")
    seen = relay.client.get(f"/v1/volunteers/{other['app_user_id']}/signups", headers=relay.headers("app")).json()
    assert seen["items"][0]["reason"] == "需要急救证书"
    refused(relay, lambda: sign_up(relay, activity, other), 409, "signup_rejected")
    listing = relay.client.get(f"/v1/activities/{activity}/signups", params={"status": "approved"},
                               headers=organiser_of(relay, activity))  # fmt: skip
    assert [s["app_user_id"] for s in listing.json()["items"]] == [chosen["app_user_id"]]
    assert_error(organiser(relay, activity, "reject", chosen), 422, "invalid_request")  # no reason given


def test_closed_late_unoffered_and_bad_terms_are_refused(relay, scenario):
    volunteer = scenario.volunteer(own_wallet=True)
    late = seed(relay, places=5)
    assert terms(relay, late, places=5, deadline=int(relay.clock()) - 1).status_code == 200
    refused(relay, lambda: sign_up(relay, late, volunteer), 409, "signup_deadline_passed")
    over = seed(relay, places=5, starts_in=-7200, lasts=3600)
    refused(relay, lambda: sign_up(relay, over, volunteer), 409, "activity_closed")
    anyone = seed(relay)
    refused(relay, lambda: sign_up(relay, anyone, volunteer), 409, "signup_not_offered")
    refused(relay, lambda: sign_up(relay, 999_999_999, volunteer), 404, "activity_not_found")
    full = seed(relay, places=2, taken=2)
    assert_error(terms(relay, full, places=1), 409, "places_below_taken")
    assert_error(terms(relay, full, places=2, deadline=int(relay.clock()) + 10**6), 422, "invalid_signup_deadline")
    assert_error(terms(relay, full, places=0), 422, "invalid_request")
    assert_error(sign_up(relay, full, {"app_user_id": "nobody"}), 404, "volunteer_not_found")


def test_check_in_needs_an_approved_sign_up_and_absentees_become_no_shows(relay, scenario):
    activity = scenario.activity(scenario.organisation(), starts_in=-600, lasts=3600)
    present, absent, stranger = (scenario.volunteer(own_wallet=True) for _ in range(3))
    assert terms(relay, activity["id"], places=2, mode="reviewed").status_code == 200
    signed_up(relay, activity["id"], present, "pending")
    signed_up(relay, activity["id"], absent, "pending")
    scenario.check_in_refused(activity["id"], scenario.check_in_body(activity, present), 403, "not_signed_up")
    scenario.check_in_refused(activity["id"], scenario.check_in_body(activity, stranger), 403, "not_signed_up")
    for volunteer in (present, absent):
        assert organiser(relay, activity["id"], "approve", volunteer).status_code == 200
    scenario.check_in(activity, present)

    no_shows = f"/v1/activities/{activity['id']}/no-shows"
    refused(
        relay,
        lambda: relay.client.post(no_shows, headers=organiser_of(relay, activity["id"])),
        409,
        "activity_not_over",
    )
    relay.clock.advance(3600)
    recorded = relay.client.post(no_shows, headers=organiser_of(relay, activity["id"])).json()
    assert [(s["app_user_id"], s["status"]) for s in recorded] == [(absent["app_user_id"], "no_show")]
    assert relay.client.post(no_shows, headers=organiser_of(relay, activity["id"])).json() == []  # recorded once


def test_volunteers_racing_for_the_last_places_never_overfill_them(relay, scenario, database_url):
    racers = [scenario.volunteer(own_wallet=True) for _ in range(12)]
    for places, waitlist in ((1, True), (3, False)):
        activity = seed(relay, places=places)
        with ThreadPoolExecutor(len(racers)) as pool:
            answers = list(pool.map(partial(sign_up, relay, activity, waitlist=waitlist), racers))
        outcomes = sorted((a.status_code, a.json().get("status") or a.json()["code"]) for a in answers)
        refused_as = (201, "waitlisted") if waitlist else (409, "activity_full")
        assert outcomes == sorted([(201, "approved")] * places + [refused_as] * (len(racers) - places))
        with relay.sessions() as db:
            assert db.get(SignupTerms, activity).places_taken == places
            approved = select(func.count()).where(Signup.activity_id == activity, Signup.status == "approved")
            assert db.scalar(approved) == places
