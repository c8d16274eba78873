"""Alembic environment for pgwright migrations: `alembic upgrade head` runs them too."""

from alembic import context

from pgwright.apply import configure_environment

configure_environment(context)
