"""organisation attesters: each organisation's signing keys

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_attesters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("custodial_keystore", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "address"),
    )
    op.create_index(op.f("ix_organisation_attesters_organisation_id"), "organisation_attesters", ["organisation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_organisation_attesters_organisation_id"), table_name="organisation_attesters")
    op.drop_table("organisation_attesters")
