"""Alembic environment: runs on the connection the app hands over (see models.db.upgrade)."""

from alembic import context

import models  # noqa: F401  (registers every table on the metadata)
from models.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hagshama db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
