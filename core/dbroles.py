"""The two database roles: the runtime role the application connects as, and the owner.

The web, workers and beat connect with DATABASE_URL as a role that owns nothing, so they can
add rows to append-only tables but never disarm the triggers that keep them so. `migrate`,
backups and restores connect to the same database as the owner (DATABASE_OWNER_URL's
credentials). On SQLite, or when DATABASE_OWNER_URL is unset, both are one and the same.
"""

import contextlib
from collections.abc import Iterator
from urllib.parse import quote

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def _credentials(settings_dict: dict) -> dict:
    return {key: settings_dict.get(key) or "" for key in CREDENTIALS}


def owner_settings(alias: str = DEFAULT_DB_ALIAS) -> dict:
    """The connection settings of `alias` with the owner's credentials: same database, other role."""
    return {**connections[alias].settings_dict, **settings.DATABASE_OWNER}


def is_owner(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `alias` already connects as the owner (always so on SQLite)."""
    return _credentials(connections[alias].settings_dict) == _credentials(settings.DATABASE_OWNER)


def runtime_role(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The role `alias` connects as when it is not the owner, else None (nothing to grant)."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or is_owner(alias):
        return None
    return connection.settings_dict["USER"]


@contextlib.contextmanager
def connected_as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator:
    """Run the block with `alias` reconnected as the owner (migrate; the test runner's flush).

    Only this thread's connection object changes; it is closed on both sides of the block, so
    it must not be inside a transaction.
    """
    connection = connections[alias]
    if is_owner(alias):
        yield connection
        return
    if connection.in_atomic_block:
        raise RuntimeError("cannot reconnect as the owner inside a transaction")
    runtime = connection.settings_dict
    connection.close()
    connection.settings_dict = owner_settings(alias)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = runtime


@contextlib.contextmanager
def owner_connection(alias: str = DEFAULT_DB_ALIAS, *, name: str | None = None) -> Iterator:
    """A separate connection as the owner (its own session), closed after the block; `name`: another database."""
    connection = type(connections[alias])({**owner_settings(alias), **({"NAME": name} if name else {})}, alias)
    try:
        yield connection
    finally:
        connection.close()


def url(settings_dict: dict, name: str | None = None) -> str:
    """A postgres:// URL for a subprocess (DATABASE_URL, DATABASE_OWNER_URL) from connection settings."""
    user = quote(settings_dict["USER"] or "", safe="")
    if settings_dict.get("PASSWORD"):
        user += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{user}@{host}/{quote(name or settings_dict['NAME'], safe='')}"
