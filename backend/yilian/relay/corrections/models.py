"""Correction requests and their whole trail (who decided what, when, and what the chain got)."""

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yilian.relay.db.models import Base, Volunteer, now_s

# submitted → approved → applied (the correction lowers or keeps the hours: the organiser decides)
# submitted → awaiting_auditor → approved → applied (it raises them: an auditor confirms too)
# submitted | awaiting_auditor → rejected (with a reason); submitted past `decide_by` → expired


class Correction(Base):
    __tablename__ = "corrections"
    __table_args__ = (
        Index("corrections_by_volunteer", "volunteer_id", "id"),
        Index("corrections_by_status", "status", "id"),
        Index("corrections_by_revoked_uid", "revoked_uid"),  # a session's own list shows what replaced it
        # One open request per session, enforced by the database itself.
        Index(
            "one_open_correction",
            "check_in_id",
            unique=True,
            sqlite_where=text("status IN ('submitted', 'awaiting_auditor', 'approved')"),
            postgresql_where=text("status IN ('submitted', 'awaiting_auditor', 'approved')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    activity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("activities.id"))
    check_in_id: Mapped[str | None] = mapped_column(ForeignKey("check_ins.id"))  # None: add a missing session
    check_in: Mapped[int] = mapped_column(BigInteger)  # what the volunteer says happened
    check_out: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    evidence: Mapped[str] = mapped_column(Text)  # canonical JSON list: hashes or links of photos, rosters
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    decide_by: Mapped[int] = mapped_column(BigInteger)
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[int | None] = mapped_column(BigInteger)  # the organiser's decision
    confirmed_at: Mapped[int | None] = mapped_column(BigInteger)  # the auditor's, where needed
    old_minutes: Mapped[int] = mapped_column(Integer, default=0)
    new_minutes: Mapped[int | None] = mapped_column(Integer)
    revoked_uid: Mapped[str | None] = mapped_column(String(66))
    new_uid: Mapped[str | None] = mapped_column(String(66))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_s)

    volunteer: Mapped[Volunteer] = relationship(lazy="joined")
