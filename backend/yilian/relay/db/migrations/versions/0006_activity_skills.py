"""skills an activity needs, for the discover list's skill filter; profiles indexed with their
reach; corrections by the uid they revoked

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_skills",
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("activities.id"), primary_key=True),
        sa.Column("skill", sa.String(length=50), primary_key=True),
    )
    op.create_index("activities_by_skill", "activity_skills", ["skill", "activity_id"])
    op.drop_index("profiles_by_position", table_name="volunteer_profiles")
    op.create_index("profiles_by_reach", "volunteer_profiles", ["latitude", "longitude", "travel_radius_m"])
    op.create_index("corrections_by_revoked_uid", "corrections", ["revoked_uid"])


def downgrade() -> None:
    op.drop_index("corrections_by_revoked_uid", table_name="corrections")
    op.drop_index("profiles_by_reach", table_name="volunteer_profiles")
    op.create_index("profiles_by_position", "volunteer_profiles", ["latitude", "longitude"])
    op.drop_index("activities_by_skill", table_name="activity_skills")
    op.drop_table("activity_skills")
