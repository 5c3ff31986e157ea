"""Needs and volunteer resource profiles. A need says what, where, when and how many, never who
is helped: no personal data of the person in need is stored."""

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yilian.relay.db.models import Base, now_s


class VolunteerProfile(Base):
    __tablename__ = "volunteer_profiles"
    # Covering the travel-box test, so a match reads the index, not the rows, for the whole box.
    __table_args__ = (Index("profiles_by_reach", "latitude", "longitude", "travel_radius_m"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)  # where the volunteer sets out from
    longitude: Mapped[float] = mapped_column(Float)
    travel_radius_m: Mapped[float] = mapped_column(Float)  # the seed's "10-minute service circle"
    languages: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, e.g. ["zh", "en"]
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class VolunteerSkill(Base):
    __tablename__ = "volunteer_skills"
    __table_args__ = (Index("skills_by_name", "skill", "volunteer_id"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(50), primary_key=True)
    certified_until: Mapped[int | None] = mapped_column(BigInteger)  # None: a skill needing no certificate


class WeeklyWindow(Base):
    """When the volunteer is usually free: minutes of the week (Monday 00:00 = 0) in the district's
    time zone, China Standard Time."""

    __tablename__ = "weekly_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class Need(Base):
    __tablename__ = "needs"
    __table_args__ = (Index("needs_by_status", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(200))  # what is needed, not who needs it
    category: Mapped[int] = mapped_column(Integer)
    skills: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: every one required
    language: Mapped[str | None] = mapped_column(String(10))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    starts_at: Mapped[int] = mapped_column(BigInteger)
    ends_at: Mapped[int] = mapped_column(BigInteger)
    head_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | filled
    activity_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("activities.id"))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)


class Assignment(Base):
    __tablename__ = "need_assignments"
    __table_args__ = (UniqueConstraint("need_id", "volunteer_id"), Index("assignments_by_volunteer", "volunteer_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    starts_at: Mapped[int] = mapped_column(BigInteger)  # the need's window, for double-booking checks
    ends_at: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[float] = mapped_column(Float)
