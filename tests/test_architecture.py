"""House rules that code review alone would let slip (DESIGN.md §1, §9)."""
import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module


def test_spiffworkflow_is_imported_only_inside_app_engine():
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "scheduler").rglob("*.py")):
        if (ROOT / "app" / "engine") in path.parents:
            continue
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line, name in _imports(path)
                      if name.split(".")[0] == "SpiffWorkflow"]
    assert offenders == []


def test_operations_never_commit():
    offenders = []
    for path in sorted((ROOT / "app").rglob("operations.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "commit":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_models_import_nothing_of_ours_but_extensions():
    offenders = []
    for path in sorted((ROOT / "app" / "models").glob("*.py")):
        for line, name in _imports(path):
            if name.startswith(("app.", "..")) and name not in ("app.extensions",) and not name.startswith("..extensions"):
                offenders.append(f"{path.name}:{line} {name}")
    assert offenders == []


@pytest.mark.sqlite_only
def test_migrations_build_the_schema_the_models_describe(tmp_path, app_config):
    """`flask db upgrade` on an empty database must give exactly the tables and columns of the models."""
    app_config.use_database(f"sqlite:///{tmp_path / 'migrated.db'}")
    app = create_app(app_config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], "models changed without a migration: run `flask db migrate -m '...'`"
