"""Migrations build the whole schema from empty, agree with the models, and go back down."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from coopledger.extensions import db
from tests.conftest import Databases, make_app


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(
        databases: Databases, tmp_path: Path) -> None:
    app = make_app(databases.fresh("migrations"), tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            tables = set(sa.inspect(conn).get_table_names())
        assert set(db.metadata.tables) <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_flask_db_check_reports_no_drift(app: object) -> None:
    from flask import Flask

    assert isinstance(app, Flask)
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
