"""PostgreSQL: a pooled connection is pinged before use only after sitting idle, and a dead one is
replaced, not handed to the request (app.database.ping_when_idle)."""
import os
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app.database import ping_when_idle

URL = os.environ.get("PRAVAH_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.postgres_only


def _engine(idle_seconds):
    if not URL.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (PRAVAH_TEST_DATABASE_URL)")
    engine = create_engine(URL.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=idle_seconds)
    return engine


def _pid(engine):
    with engine.connect() as conn:
        return conn.scalar(text("SELECT pg_backend_pid()"))


def _terminate(pid):
    killer = create_engine(URL.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=None)
    with killer.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}) is True
    killer.dispose()
    time.sleep(0.2)


def test_an_idle_connection_cut_by_the_server_is_replaced_before_use():
    engine = _engine(idle_seconds=0.1)
    try:
        first = _pid(engine)
        _terminate(first)   # a database restart or a firewall cut it while it sat in the pool
        second = _pid(engine)
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_used_moments_ago_is_not_pinged():
    engine = _engine(idle_seconds=3600)
    try:
        _terminate(_pid(engine))
        # No ping within the idle window: the dead connection reaches the statement, which fails
        # (and the pool discards it); with a ping on every checkout this would have succeeded.
        with pytest.raises(OperationalError):
            _pid(engine)
        assert _pid(engine) > 0
    finally:
        engine.dispose()
