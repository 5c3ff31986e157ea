"""The district's skill codes, shared by activities (skills they need), needs and volunteers'
resource profiles: one vocabulary, so a filter or a match never misses on a spelling."""

from collections.abc import Collection, Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yilian.relay.db.models import ActivitySkill
from yilian.relay.services.errors import Unprocessable

SKILLS = {
    "first_aid": "急救 (certificate)",
    "elderly_care": "助老",
    "child_care": "助幼",
    "sign_language": "手语",
    "english": "英语",
    "driving": "驾驶 (licence)",
    "tutoring": "课业辅导",
    "counselling": "心理疏导",
    "repair": "家电维修",
    "cooking": "烹饪",
    "legal_aid": "法律咨询",
    "photography": "摄影",
}


def checked_skills(codes: Iterable[str]) -> list[str]:
    """The codes, each once, in order; an unknown one is refused (422 `unknown_skill`)."""
    unique = list(dict.fromkeys(codes))
    unknown = [code for code in unique if code not in SKILLS]
    if unknown:
        raise Unprocessable(f"unknown skill code(s): {', '.join(unknown)}; known: {', '.join(SKILLS)}",
                            code="unknown_skill")  # fmt: skip
    return unique


def set_needed_skills(db: Session, activity_id: int, codes: Iterable[str]) -> list[str]:
    """Replaces the skills the activity needs."""
    skills = checked_skills(codes)
    db.execute(delete(ActivitySkill).where(ActivitySkill.activity_id == activity_id))
    db.add_all(ActivitySkill(activity_id=activity_id, skill=skill) for skill in skills)
    return skills


def needed_skills(db: Session, activity_ids: Collection[int]) -> dict[int, list[str]]:
    """activity id → the skills it needs (sorted), for every id given (none: an empty list)."""
    found: dict[int, list[str]] = {activity_id: [] for activity_id in activity_ids}
    if found:
        query = select(ActivitySkill.activity_id, ActivitySkill.skill).where(ActivitySkill.activity_id.in_(found))
        for activity_id, skill in db.execute(query.order_by(ActivitySkill.skill)):
            found[activity_id].append(skill)
    return found
