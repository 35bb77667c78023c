"""The ticket database: SQLAlchemy base and column types, engines and sessions, Alembic migrations."""
