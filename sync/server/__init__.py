"""The central sync server: a FastAPI app over its own SQLAlchemy storage and Alembic migrations.

It imports ``sync.protocol`` (the wire contract) and nothing else of the project, so it can be
installed and run without the desktop app. ``create_app(database_url)`` makes the ASGI app;
``rehabdesk-server`` (``sync.server.cli``) is the admin command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(database_url: str) -> FastAPI:
    """The ASGI app over one (migrated) database; see ``sync.server.app``.

    Imported on first use, so the admin commands start without loading the web framework.
    """
    from sync.server.app import create_app as make

    return make(database_url)


__all__ = ["create_app"]
