"""The wheel ships the top-level templates, migrations, sample data, static files and catalogs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from coopledger import paths


def test_wheel_contains_templates_migrations_and_sample_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(paths.CHECKOUT_DIR)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("coopledger-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in paths.TEMPLATES_DIR.rglob("*.html"):
        assert f"coopledger/templates/{template.relative_to(paths.TEMPLATES_DIR)}" in names
    for migration in (paths.MIGRATIONS_DIR / "versions").glob("*.py"):
        assert f"coopledger/migrations/versions/{migration.name}" in names
    assert "coopledger/migrations/env.py" in names
    assert "coopledger/migrations/alembic.ini" in names
    assert "coopledger/sample_data/world.toml" in names
    assert "coopledger/static/css/app.css" in names
    assert "coopledger/static/js/jobs.js" in names
    assert "coopledger/translations/en/LC_MESSAGES/messages.mo" in names
