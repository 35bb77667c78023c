"""The person's language on a ticket defaults to English in the database too, and is always set.

Since 0001 the ``language`` column exists (not null, filled by the application); rows written by other
tools (imports, SQL by hand) got no value. Now the database itself fills in 'en', and existing empty
values become 'en'.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE tickets SET language = 'en' WHERE language IS NULL OR language = ''"))
    with op.batch_alter_table("tickets") as batch:
        batch.alter_column("language", existing_type=sa.String(8), nullable=False, server_default="en")


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.alter_column("language", existing_type=sa.String(8), nullable=False, server_default=None)
