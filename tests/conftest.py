"""Shared fixtures: an app on a fresh database with the shipped models deployed and demo data seeded.

``PRAVAH_TEST_DATABASE_URL`` selects the database (default: in-memory SQLite). On PostgreSQL the
schema is created once per run and every table is emptied after each test.
"""
import os

import pytest

from app import create_app
from app.config import TestingConfig
from app.extensions import db
from tests import dbstate, fast_routes
from tests.selection import _no_db_guard, pytest_collection_modifyitems  # noqa: F401  (which pass runs a test)

DEMO_PASSWORD = "demo-pass-2026"

# PostgreSQL: a commit returns before its WAL reaches the disk (visibility, locking and ordering are
# unchanged; only a crash of the PostgreSQL server could lose the last commits). Inherited by the
# servers and workers the tests start. About 8 ms → 1 ms per commit on a shared disk.
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")
fast_routes.install()


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
    """An app with an empty schema and nothing deployed (see tests/dbstate.py for how it is reset)."""
    app = create_app(app_config)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if url.startswith("postgresql"):
            dbstate.postgres_schema(url)
        elif dbstate.is_memory(url):
            dbstate.sqlite_empty_schema()
        else:
            db.create_all()
    # No app context stays pushed during the test: each request gets its own, as in production.
    yield app
    with app.app_context():
        db.session.remove()
        if url.startswith("postgresql"):
            dbstate.postgres_empty(url)
        elif not dbstate.is_memory(url):   # an in-memory database goes with its connection
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(bare_app):
    """The app with the catalogue loaded, every shipped model deployed and the demo data seeded:
    done once per run (per model files) and copied in for each test; deploying twelve services
    (build, lint, dry run) is otherwise most of a test's cost, and the result is the same each time."""
    key = dbstate.seed_key(bare_app)
    url = bare_app.config["SQLALCHEMY_DATABASE_URI"]
    with bare_app.app_context():
        if dbstate.is_memory(url):
            if dbstate.sqlite_load(key):
                return bare_app
        elif key in dbstate._seeded_rows:
            dbstate.restore_rows(dbstate._seeded_rows[key])
            return bare_app
    runner = bare_app.test_cli_runner()
    result = runner.invoke(args=["deploy"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with bare_app.app_context():
        if dbstate.is_memory(url):
            dbstate.sqlite_save(key)
        else:
            dbstate._seeded_rows[key] = dbstate.take_rows()
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
