"""The wheel ships every domain, the top-level templates, migrations, sample data, static files
and catalogs — and works when installed on its own, outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from coopledger import paths


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools copies into the checkout's build/ and never removes what is gone from the
    # source: a file renamed since an earlier build would be shipped under both names
    shutil.rmtree(paths.CHECKOUT_DIR / "build", ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(paths.CHECKOUT_DIR)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return next(out.glob("coopledger-*.whl"))


def test_wheel_contains_every_domain_templates_migrations_and_sample_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in paths.PACKAGE_DIR.rglob("*.py"):
        assert f"coopledger/{module.relative_to(paths.PACKAGE_DIR)}" in names, module
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


PAGE = """
import sys
import coopledger
from coopledger import create_app
assert coopledger.__file__.startswith(sys.prefix), coopledger.__file__
app = create_app()
client = app.test_client()
login = client.post("/auth/login", data={"username": "accountant",
                                         "password": "coop-demo-2026"})
page = client.get("/o/shian-jjhzs/", follow_redirects=True).get_data(as_text=True)
print(login.status_code, "建平县塔山镇石安村股份经济合作社" in page)
"""


def test_the_installed_wheel_sets_up_loads_the_sample_and_serves(wheel: Path,
                                                                 tmp_path: Path) -> None:
    """A fresh virtualenv with the wheel alone (the dependencies are borrowed from this
    environment's site-packages by a path line, which does not load the editable checkout)."""
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig;"
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    entry = target / "bin" / "coopledger"
    entry.write_text(f"#!{python}\nfrom coopledger.cli import main\nmain()\n")
    entry.chmod(0o755)
    env = {**os.environ, "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "instance"),
           "COOPLEDGER_PASSWORD_HASH_COST": "test", "PYTHONPATH": ""}
    env.pop("COOPLEDGER_DATABASE_URL", None)
    workdir = tmp_path / "elsewhere"     # not the checkout: only the wheel can be imported
    workdir.mkdir()
    for command in (["init-db"], ["load-sample", "--small", "--as-of", "2026-01-15"]):
        done = subprocess.run([str(entry), *command], cwd=workdir, env=env, capture_output=True,
                              text=True, timeout=400, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "accountant" in done.stdout
    page = subprocess.run([str(python), "-c", PAGE], cwd=workdir,
                          env=env | {"COOPLEDGER_WTF_CSRF_ENABLED": "false"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert page.returncode == 0, page.stderr
    assert page.stdout.split() == ["302", "True"]
