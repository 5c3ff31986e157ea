"""Database rows → response bodies, where a body is more than the row (AttestationOut is built
from its row directly)."""

from typing import TypedDict, Unpack

from yilian.relay.api.schemas import ActivityOut, CheckInOut, GeofenceIn, VolunteerOut
from yilian.relay.db.models import Activity, CheckIn, Volunteer


class VolunteerExtra(TypedDict, total=False):
    """VolunteerOut's optional fields, which a route fills when it has them."""

    chain_tx: str | None
    minutes_served: int | None
    yicoin_balance: int | None


def volunteer_out(volunteer: Volunteer, **extra: Unpack[VolunteerExtra]) -> VolunteerOut:
    return VolunteerOut(
        app_user_id=volunteer.app_user_id,
        address=volunteer.address,
        custodial=volunteer.custodial_keystore is not None,
        status=volunteer.status,
        real_name=volunteer.real_name,
        id_number_masked=volunteer.id_number_masked,
        identity_hash=volunteer.identity_hash,
        **extra,
    )


def activity_out(activity: Activity, skills: list[str]) -> ActivityOut:
    return ActivityOut(
        id=activity.id,
        organisation_id=activity.organisation_id,
        name=activity.name,
        category=activity.category,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        geofence=GeofenceIn(latitude=activity.latitude, longitude=activity.longitude, radius_m=activity.radius_m),
        minute_cap=activity.minute_cap,
        points_per_hour=activity.points_per_hour,
        face_at_check_out=activity.face_at_check_out,
        status=activity.status,
        skills=skills,
    )


def check_in_response(visit: CheckIn, app_user_id: str) -> CheckInOut:
    """The check-in as the app sees it: the row, and the app's own id of the volunteer."""
    return CheckInOut(
        id=visit.id,
        activity_id=visit.activity_id,
        app_user_id=app_user_id,
        session=visit.session,
        checked_in_at=visit.checked_in_at,
        check_in_received_at=visit.check_in_received_at,
        last_presence_at=visit.last_presence_at,
        checked_out_at=visit.checked_out_at,
        check_out_received_at=visit.check_out_received_at,
        closed_by=visit.closed_by,
        status=visit.status,
    )
