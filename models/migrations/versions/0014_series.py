"""series: sessions and attendance, questions and answers, groups, minimum participants

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch (copy-and-move) on SQLite would drop AUTOINCREMENT.
    op.add_column("events", sa.Column("min_participants", sa.Integer(), nullable=True))
    op.add_column("events", sa.Column("decide_by", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "events", sa.Column("decision_asked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "registrations", sa.Column("seats", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("registrations", sa.Column("guests", JSON, nullable=False, server_default="[]"))
    op.add_column(
        "registrations",
        sa.Column("split", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "event_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_sessions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_sessions")),
    )
    op.create_index("ix_event_sessions_event_id", "event_sessions", ["event_id"])
    op.create_index("ix_event_sessions_starts_at", "event_sessions", ["starts_at"])
    op.create_table(
        "session_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["event_sessions.id"],
            name=op.f("fk_session_attendance_session_id_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_session_attendance_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_attendance")),
        sa.UniqueConstraint(
            "session_id", "registration_id", name=op.f("uq_session_attendance_session_id")
        ),
    )
    op.create_index("ix_session_attendance_session_id", "session_attendance", ["session_id"])
    op.create_index(
        "ix_session_attendance_registration_id", "session_attendance", ["registration_id"]
    )
    op.create_table(
        "event_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=48), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("options", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_questions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_questions")),
        sa.UniqueConstraint("event_id", "slug", name=op.f("uq_event_questions_event_id")),
    )
    op.create_index("ix_event_questions_event_id", "event_questions", ["event_id"])
    op.create_table(
        "registration_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("values", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_answers_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["event_questions.id"],
            name=op.f("fk_registration_answers_question_id_event_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_answers")),
        sa.UniqueConstraint(
            "registration_id", "question_id", name=op.f("uq_registration_answers_registration_id")
        ),
    )
    op.create_index(
        "ix_registration_answers_registration_id", "registration_answers", ["registration_id"]
    )
    op.create_index("ix_registration_answers_question_id", "registration_answers", ["question_id"])


def downgrade() -> None:
    op.drop_table("registration_answers")
    op.drop_table("event_questions")
    op.drop_table("session_attendance")
    op.drop_table("event_sessions")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("split")
        batch_op.drop_column("guests")
        batch_op.drop_column("seats")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("decision_asked_at")
        batch_op.drop_column("decide_by")
        batch_op.drop_column("min_participants")
