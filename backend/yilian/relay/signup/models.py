"""Sign-up records. An activity without `SignupTerms` takes anyone, unlimited, without sign-up."""

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yilian.relay.db.models import Base, now_s

MODES = ("open", "reviewed")  # open: first come, first served; reviewed: the organiser approves
# pending (reviewed mode, waiting for the organiser) → approved → no_show;
# waitlisted (open mode, full) → approved when a place frees; any → cancelled | rejected.
STATUSES = ("pending", "approved", "waitlisted", "rejected", "cancelled", "no_show")


class SignupTerms(Base):
    __tablename__ = "signup_terms"

    activity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("activities.id"), primary_key=True)
    places: Mapped[int | None] = mapped_column(Integer)  # None: unlimited
    # Approved sign-ups. Only a conditional UPDATE (places_taken < places) takes a place, so two
    # volunteers racing for the last one can never both get it, whatever the database.
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    deadline: Mapped[int | None] = mapped_column(BigInteger)  # unix seconds; None: until the end
    mode: Mapped[str] = mapped_column(String(10), default="open")
    requires_signup: Mapped[bool] = mapped_column(Boolean, default=True)


class Signup(Base):
    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("activity_id", "volunteer_id"),
        Index("signups_by_activity", "activity_id", "status", "id"),
        Index("signups_by_volunteer", "volunteer_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("activities.id"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(200))  # the organiser's, on rejection
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)
    decided_at: Mapped[int | None] = mapped_column(BigInteger)
