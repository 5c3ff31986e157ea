"""volunteer journey: discover indexes, sign-ups, corrections, needs and resources

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.create_index("activities_by_start", ["starts_at", "id"])
        batch_op.create_index("activities_by_position", ["latitude", "longitude"])
        batch_op.create_index("activities_by_organisation", ["organisation_id", "starts_at"])
    op.create_table(
        "signup_terms",
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("activities.id"), primary_key=True),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("places_taken", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("requires_signup", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "signups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("activities.id"), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("decided_at", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint("activity_id", "volunteer_id"),
    )
    op.create_index("signups_by_activity", "signups", ["activity_id", "status", "id"])
    op.create_index("signups_by_volunteer", "signups", ["volunteer_id", "id"])
    _create_corrections()
    _create_matching()


def _create_corrections() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("activities.id"), nullable=False),
        sa.Column("check_in_id", sa.String(length=36), sa.ForeignKey("check_ins.id"), nullable=True),
        sa.Column("check_in", sa.BigInteger(), nullable=False),
        sa.Column("check_out", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decide_by", sa.BigInteger(), nullable=False),
        sa.Column("decision_reason", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", sa.BigInteger(), nullable=True),
        sa.Column("old_minutes", sa.Integer(), nullable=False),
        sa.Column("new_minutes", sa.Integer(), nullable=True),
        sa.Column("revoked_uid", sa.String(length=66), nullable=True),
        sa.Column("new_uid", sa.String(length=66), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("corrections_by_volunteer", "corrections", ["volunteer_id", "id"])
    op.create_index("corrections_by_status", "corrections", ["status", "id"])
    open_only = sa.text("status IN ('submitted', 'awaiting_auditor', 'approved')")
    op.create_index(
        "one_open_correction", "corrections", ["check_in_id"], unique=True,
        sqlite_where=open_only, postgresql_where=open_only,
    )  # fmt: skip


def _create_matching() -> None:
    op.create_table(
        "volunteer_profiles",
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), primary_key=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("travel_radius_m", sa.Float(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("profiles_by_position", "volunteer_profiles", ["latitude", "longitude"])
    op.create_table(
        "volunteer_skills",
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), primary_key=True),
        sa.Column("skill", sa.String(length=50), primary_key=True),
        sa.Column("certified_until", sa.BigInteger(), nullable=True),
    )
    op.create_index("skills_by_name", "volunteer_skills", ["skill", "volunteer_id"])
    op.create_table(
        "weekly_windows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
    )
    op.create_index("ix_weekly_windows_volunteer_id", "weekly_windows", ["volunteer_id"])
    _create_needs()


def _create_needs() -> None:
    op.create_table(
        "needs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.BigInteger(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("starts_at", sa.BigInteger(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("head_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("activities.id"), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("needs_by_status", "needs", ["status", "starts_at"])
    op.create_table(
        "need_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("need_id", sa.Integer(), sa.ForeignKey("needs.id"), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), nullable=False),
        sa.Column("starts_at", sa.BigInteger(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.UniqueConstraint("need_id", "volunteer_id"),
    )
    op.create_index("assignments_by_volunteer", "need_assignments", ["volunteer_id"])


def downgrade() -> None:
    for table in ("need_assignments", "needs", "weekly_windows", "volunteer_skills", "volunteer_profiles"):
        op.drop_table(table)
    op.drop_table("corrections")
    op.drop_table("signups")
    op.drop_table("signup_terms")
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_index("activities_by_organisation")
        batch_op.drop_index("activities_by_position")
        batch_op.drop_index("activities_by_start")
