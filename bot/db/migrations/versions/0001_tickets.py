"""Tickets, append-only audit log, email outbox, reminder log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(24), unique=True),
        sa.Column("rights", sa.JSON, nullable=False),
        sa.Column("status", sa.String(32), nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.String(120)),
        sa.Column("requester_email", sa.String(254)),
        sa.Column("requester_telegram_id", sa.String(32)),
        sa.Column("requester_phone", sa.String(32)),
        sa.Column("requester_name", sa.String(200)),
        sa.Column("verification_method", sa.String(32), nullable=False),
        sa.Column("verification_outcome", sa.String(32), nullable=False),
        sa.Column("subject_match", sa.String(200)),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False, index=True),
        sa.Column("extended_due_date", sa.Date),
        sa.Column("extension_reason", sa.Text),
        sa.Column("extension_notified_at", TZ),
        sa.Column("closed_at", TZ),
        sa.Column("outcome", sa.Text),
        sa.Column("request_text", sa.Text),
        sa.Column("data_categories", sa.JSON, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("conversation_id", sa.String(128), index=True),
        sa.Column("idempotency_key", sa.String(128), unique=True),
        sa.Column("anonymised_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), nullable=False, index=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), index=True),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("message", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("claimed_until", TZ),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id")),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_reminder_kind_key"),
    )
    _append_only_audit()


def _append_only_audit() -> None:
    """The database itself refuses to change or delete audit entries."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_table("reminder_log")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("audit_events")
    op.drop_table("tickets")
