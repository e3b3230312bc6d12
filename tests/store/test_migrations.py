"""The migrations build exactly the schema the models declare, and a store upgrades in place."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.store import migrate
from app.store.engine import make_engine
from models import Base


def test_migrations_match_the_models(tmp_path):
    engine = make_engine(tmp_path / "fresh.db")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert migrate.current_revision(connection) == migrate.head_revision()
    assert differences == []


def test_a_store_at_the_first_revision_upgrades_with_its_data(tmp_path):
    from alembic import command

    engine = make_engine(tmp_path / "old.db")
    with engine.begin() as connection:
        config = migrate.alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql("INSERT INTO office (code, name) VALUES ('640104001', 'x')")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
        assert connection.exec_driver_sql("SELECT name FROM office").scalar() == "x"
