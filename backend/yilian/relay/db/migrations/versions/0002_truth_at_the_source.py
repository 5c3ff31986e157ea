"""truth at the source: server receipt times, presence pings, lock-outs, organiser keys bound to
an organisation, spent face nonces, one identity hash per volunteer

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key("api_keys_organisation", "organisations", ["organisation_id"], ["id"])
    with op.batch_alter_table("volunteers") as batch_op:
        batch_op.drop_column("identity_salt")
        batch_op.create_unique_constraint("volunteers_identity_hash", ["identity_hash"])
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("face_at_check_out", sa.Boolean(), nullable=False, server_default=sa.false()))
    _check_in_times()
    _new_tables()
    op.execute(
        "INSERT INTO spent_face_nonces (nonce, purpose, spent_at) "
        "SELECT face_nonce, 'check_in', checked_in_at FROM check_ins"
    )


def _check_in_times() -> None:
    with op.batch_alter_table("check_ins") as batch_op:
        batch_op.add_column(sa.Column("check_in_received_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("check_out_received_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("last_presence_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=20), nullable=True))
    # Earlier rows: the only times known are the ones recorded.
    op.execute(
        "UPDATE check_ins SET check_in_received_at = checked_in_at, last_presence_at = checked_in_at, "
        "check_out_received_at = checked_out_at, closed_by = CASE WHEN status = 'closed' THEN 'check_out' END"
    )
    with op.batch_alter_table("check_ins") as batch_op:
        batch_op.alter_column("check_in_received_at", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("last_presence_at", existing_type=sa.BigInteger(), nullable=False)


def _new_tables() -> None:
    op.create_table(
        "presence_pings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_in_id", sa.String(length=36), sa.ForeignKey("check_ins.id"), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("accuracy_m", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_presence_pings_check_in_id", "presence_pings", ["check_in_id"])
    op.create_table(
        "spent_face_nonces",
        sa.Column("nonce", sa.String(length=66), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("spent_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id"), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("activities.id"), nullable=False),
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("lifted_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for name, column in (("volunteer", "volunteer_id"), ("activity", "activity_id"), ("api_key", "api_key_id")):
        op.create_index(f"failed_attempts_by_{name}", "failed_attempts", [column, "at"])


def downgrade() -> None:
    op.drop_table("failed_attempts")
    op.drop_table("spent_face_nonces")
    op.drop_table("presence_pings")
    with op.batch_alter_table("check_ins") as batch_op:
        for column in ("closed_by", "last_presence_at", "check_out_received_at", "check_in_received_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("face_at_check_out")
    with op.batch_alter_table("volunteers") as batch_op:
        batch_op.drop_constraint("volunteers_identity_hash", type_="unique")
        batch_op.add_column(sa.Column("identity_salt", sa.String(length=66), nullable=False, server_default=""))
    with op.batch_alter_table("api_keys") as batch_op:
        batch_op.drop_constraint("api_keys_organisation", type_="foreignkey")
        batch_op.drop_column("organisation_id")
