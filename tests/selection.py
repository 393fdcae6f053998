"""Which tests need the database under test, found from the fixtures they use (docs/testing.md).

``make test`` runs the suite on SQLite, then again on PostgreSQL. A test that never touches the
database under test gives the same answer both times, so the PostgreSQL pass leaves it out
(``-m "not no_db"``). Nobody has to remember to mark such tests: at collection every test whose
fixtures (direct or indirect) include none of :data:`DB_FIXTURES`, that is not marked ``db`` or
``postgres_only``, and whose module does not read the database setting itself (:data:`DB_HINTS`),
is marked ``no_db``.

The guess is checked while the test runs: a ``no_db`` test that opens a connection to the database
under test fails, naming the fix (use the ``app``/``bare_app``/``app_config`` fixtures, or mark the
test ``@pytest.mark.db``). Databases a test makes for itself (a SQLite file under ``tmp_path``, a
server's own database) are not the database under test: such a test runs the same on both passes.
"""
import functools
import inspect
import os

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import _normalise_db_url
from tests.dbstate import MEMORY_URLS

#: fixtures through which a test reaches the database under test
DB_FIXTURES = frozenset({"bare_app", "app_config"})
#: a test module naming one of these reads the database setting itself (or hands it to a child process)
DB_HINTS = ("PRAVAH_TEST_DATABASE_URL", "TestingConfig")


@functools.cache
def _source(module) -> str:
    try:
        return inspect.getsource(module)
    except (OSError, TypeError):
        return ""


def uses_test_database(item) -> bool:
    if item.get_closest_marker("db") or item.get_closest_marker("postgres_only"):
        return True
    if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    module = getattr(item, "module", None)
    return module is not None and any(hint in _source(module) for hint in DB_HINTS)


@pytest.hookimpl(tryfirst=True)   # before ``-m`` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not uses_test_database(item):
            item.add_marker(pytest.mark.no_db)


def _test_database_urls() -> set[str]:
    configured = os.environ.get("PRAVAH_TEST_DATABASE_URL")
    return {_normalise_db_url(configured)} if configured else set(MEMORY_URLS)


class _Watch:
    on = False
    seen: list[str] = []


@event.listens_for(Engine, "engine_connect")
def _on_connect(conn):
    if _Watch.on:
        url = conn.engine.url.render_as_string(hide_password=True)
        if url in _test_database_urls():
            _Watch.seen.append(url)


@pytest.fixture(autouse=True)
def _no_db_guard(request):
    """A test marked ``no_db`` (by :func:`pytest_collection_modifyitems`) must not use the database
    under test: the PostgreSQL pass leaves it out."""
    if request.node.get_closest_marker("no_db") is None:
        yield
        return
    _Watch.seen, _Watch.on = [], True
    try:
        yield
    finally:
        _Watch.on = False
    if _Watch.seen:
        pytest.fail(f"{request.node.nodeid} connected to the database under test ({_Watch.seen[0]}) but "
                    "requests none of the app/bare_app/app_config fixtures, so it was taken for a test "
                    "without a database and is left out of the PostgreSQL pass: use those fixtures or "
                    "mark it @pytest.mark.db (tests/selection.py)", pytrace=False)
