"""Organisation isolation (谁组织谁记录): an organiser key acts for its own organisation only —
its activities, their sign-in codes and lock-outs, the records of volunteers who served there and
the certificates it issues. Admin keys act for every organisation; apps and auditors are not
organisers and are checked by role alone."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from yilian.relay.db.models import Activity, ApiKey, CheckIn, Volunteer
from yilian.relay.services.errors import Forbidden


class OtherOrganisation(Forbidden):
    code = "other_organisation"


def require_organisation(key: ApiKey, organisation_id: int) -> None:
    """Refuses an organiser key of another organisation (403 other_organisation)."""
    if key.role == "organiser" and key.organisation_id != organisation_id:
        raise OtherOrganisation(
            f"this organiser key acts for organisation {key.organisation_id}, not {organisation_id}"
        )


def require_activity_access(key: ApiKey, activity: Activity) -> None:
    require_organisation(key, activity.organisation_id)


def require_volunteer_access(db: Session, key: ApiKey, volunteer: Volunteer) -> None:
    """An organiser sees a volunteer's record once the volunteer has checked in at one of its
    organisation's activities."""
    if key.role != "organiser":
        return
    served_here = db.scalar(
        select(CheckIn.id)
        .join(Activity, Activity.id == CheckIn.activity_id)
        .where(CheckIn.volunteer_id == volunteer.id, Activity.organisation_id == key.organisation_id)
        .limit(1)
    )
    if served_here is None:
        raise OtherOrganisation("this volunteer has no record in your organisation's activities")


def visible_activity_ids(db: Session, key: ApiKey) -> list[int] | None:
    """The activities whose records the key may list; None: all of them."""
    if key.role != "organiser":
        return None
    return list(db.scalars(select(Activity.id).where(Activity.organisation_id == key.organisation_id)))
