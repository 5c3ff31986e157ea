"""issued certificates, for the public verification page

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("volunteer_address", sa.String(length=42), nullable=False),
        sa.Column("issued_at", sa.BigInteger(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_index("ix_certificates_number", "certificates", ["number"])
    op.create_index("ix_certificates_volunteer_address", "certificates", ["volunteer_address"])


def downgrade() -> None:
    op.drop_index("ix_certificates_volunteer_address", table_name="certificates")
    op.drop_index("ix_certificates_number", table_name="certificates")
    op.drop_table("certificates")
