"""Shared fixtures: an app on a fresh database with the shipped models deployed and demo data seeded.

``PRAVAH_TEST_DATABASE_URL`` selects the database (default: in-memory SQLite). On PostgreSQL the
schema is created once per run and every table is emptied after each test.
"""
import os

import pytest
from sqlalchemy import text

from app import create_app
from app.config import TestingConfig
from app.extensions import db

DEMO_PASSWORD = "demo-pass-2026"
_schema_ready = set()


def _reset_schema(url: str) -> None:
    """Drop and recreate all tables once per test run for a shared (PostgreSQL) database."""
    if url in _schema_ready:
        return
    db.drop_all()
    db.create_all()
    _schema_ready.add(url)


def _empty_tables() -> None:
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(scope="session")
def demo_signing_keys(tmp_path_factory):
    """The demo CA and the demo Pradhans' and BDOs' signing keys, made once per run (RSA is slow)."""
    from app.certificates import pki
    from app.demo.seed import signing_officers
    directory = tmp_path_factory.mktemp("signing-keys")
    pki.init_demo(directory, signing_officers())
    return directory


@pytest.fixture
def app_config(tmp_path, demo_signing_keys):
    """Settings for the test app; tests may change them before ``app`` is built."""
    config = TestingConfig()
    config.DATA_DIR = tmp_path / "data"
    config.DEMO_PASSWORD = DEMO_PASSWORD
    config.SIGNING_KEYS_DIR = demo_signing_keys
    return config


@pytest.fixture
def bare_app(app_config):
    """An app with an empty schema and nothing deployed."""
    app = create_app(app_config)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if url.startswith("postgresql"):
            _reset_schema(url)
        else:
            db.create_all()
    # No app context stays pushed during the test: each request gets its own, as in production.
    yield app
    with app.app_context():
        db.session.remove()
        if url.startswith("postgresql"):
            _empty_tables()
        else:
            db.drop_all()
        db.engine.dispose()


#: Rows of every table after ``flask deploy`` + ``flask demo seed``, per model directories and
#: database kind: deploying twelve services (build, lint, dry run) for every test is most of a
#: test's cost, and the result is the same each time.
_seeded_rows: dict = {}


def _snapshot_key(app):
    dirs = app.config["MODEL_DIRS"]
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for d in dirs.values() if d.is_dir() for p in d.rglob("*")
                         if p.is_file()))
    return (app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0], stamp)


def _take_snapshot():
    with db.engine.connect() as conn:
        return [(table, [dict(r) for r in conn.execute(table.select()).mappings()])
                for table in db.metadata.sorted_tables]


def _restore_snapshot(rows) -> None:
    with db.engine.begin() as conn:
        for table, data in rows:
            if data:
                conn.execute(table.insert(), data)
                if conn.dialect.name == "postgresql" and "id" in table.c:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                      f"(SELECT max(id) FROM \"{table.name}\"))"))


@pytest.fixture
def app(bare_app):
    """The app with the catalogue loaded, every shipped model deployed and the demo data seeded."""
    key = _snapshot_key(bare_app)
    with bare_app.app_context():
        if key in _seeded_rows:
            _restore_snapshot(_seeded_rows[key])
            return bare_app
    runner = bare_app.test_cli_runner()
    result = runner.invoke(args=["deploy"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with bare_app.app_context():
        _seeded_rows[key] = _take_snapshot()
    return bare_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Api:
    """A test client that logs demo users in and speaks JSON, reading like the people it stands for."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.get_json()
            self.tokens[username] = r.get_json()["token"]
        return self.tokens[username]

    def _headers(self, user, headers):
        out = dict(headers or {})
        if user:
            out["Authorization"] = f"Bearer {self.token(user)}"
        return out

    def get(self, path, user=None, **kw):
        return self.client.get(path, headers=self._headers(user, kw.pop("headers", None)), **kw)

    def post(self, path, json=None, user=None, **kw):
        return self.client.post(path, json=json, headers=self._headers(user, kw.pop("headers", None)), **kw)

    def delete(self, path, user=None, **kw):
        return self.client.delete(path, headers=self._headers(user, kw.pop("headers", None)), **kw)

    def patch(self, path, json=None, user=None, **kw):
        return self.client.patch(path, json=json, headers=self._headers(user, kw.pop("headers", None)), **kw)


@pytest.fixture
def api(client):
    return Api(client)


def pytest_report_header(config):
    return f"database: {os.environ.get('PRAVAH_TEST_DATABASE_URL') or 'sqlite (in memory)'}"
