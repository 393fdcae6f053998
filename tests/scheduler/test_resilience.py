"""The scheduler loop survives lock and database failures (back-off, never dies) and reports them
in its scheduler_state row, which /readyz reads."""
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import SchedulerState
from scheduler import runner
from scheduler.runner import SchedulerProcess
from scheduler.state import StateReporter


@pytest.fixture
def fast(monkeypatch):
    """No jobs (the loop itself is under test) and millisecond waits instead of seconds."""
    monkeypatch.setattr(runner, "JOBS", [])
    monkeypatch.setattr(runner, "STANDBY_POLL_SECONDS", 0.01)
    monkeypatch.setattr(runner, "BACKOFF_BASE_SECONDS", 0.01)
    monkeypatch.setattr(runner, "BACKOFF_MAX_SECONDS", 0.05)
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.0)


@pytest.fixture
def shared_app(app_config, tmp_path, bare_app):
    """The loop runs in a thread of its own: on SQLite it needs a file database, not the single
    in-memory connection the other tests share (on PostgreSQL: the test database)."""
    if bare_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return bare_app
    from app import create_app
    app_config.use_database(f"sqlite:///{tmp_path / 'scheduler.db'}")
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
        db.session.remove()
    return app


def start(process) -> threading.Thread:
    thread = threading.Thread(target=process.loop, daemon=True)
    thread.start()
    return thread


def until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    raise AssertionError("condition not reached")


def row(app, name):
    with app.app_context():
        try:
            return db.session.execute(select(SchedulerState).where(SchedulerState.name == name)).scalar_one_or_none()
        finally:
            db.session.expunge_all()
            db.session.remove()


def test_lock_and_database_errors_are_retried_then_it_leads(shared_app, fast):
    bare_app = shared_app
    process = SchedulerProcess(bare_app, StateReporter(bare_app, name="test:1"))
    real_acquire, calls = process.lock.acquire, []

    def flaky_acquire():
        calls.append(1)
        if len(calls) <= 2:
            raise OSError("lock file cannot be opened")
        if len(calls) <= 4:
            raise OperationalError("SELECT pg_try_advisory_lock", {}, Exception("server closed the connection"))
        return real_acquire()

    process.lock.acquire = flaky_acquire
    thread = start(process)
    try:
        until(lambda: process.leading)
        until(lambda: (row(bare_app, "test:1") or SchedulerState(role="?")).role == "leader")
        assert thread.is_alive()
        state = row(bare_app, "test:1")
        assert state.failures == 0
        assert "OperationalError" in state.last_error      # the last failure stays on record
        assert len(calls) >= 5
    finally:
        process.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert row(bare_app, "test:1").role == "stopped"


def test_failures_are_counted_in_the_row_while_they_last(shared_app, fast):
    bare_app = shared_app
    process = SchedulerProcess(bare_app, StateReporter(bare_app, name="test:2"))

    def broken():
        raise OSError("Permission denied: '/var/lib/pravah/scheduler.lock'")

    process.lock.acquire = broken
    thread = start(process)
    try:
        until(lambda: (row(bare_app, "test:2") or SchedulerState(failures=0)).failures >= 3)
        assert thread.is_alive() and not process.leading
        state = row(bare_app, "test:2")
        assert state.role == "error" and "Permission denied" in state.last_error
        r = bare_app.test_client().get("/readyz")
        assert r.status_code == 503
        assert "test:2: OSError: Permission denied" in r.get_json()["checks"]["scheduler"]["message"]
    finally:
        process.stop()
        thread.join(10)


@pytest.mark.sqlite_only
def test_an_unusable_lock_file_is_retried_until_it_is_fixed(app_config, tmp_path, fast):
    """The bug of issue 13: the in-process scheduler thread died for good when its lock file could not be opened."""
    from app import create_app
    app_config.use_database(f"sqlite:///{tmp_path / 'x.db'}")
    if app_config.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        pytest.skip("the lock file is SQLite's leader lock")
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
    blocker = tmp_path / "x.db.scheduler.lock"
    blocker.mkdir()   # a folder where the lock file should be: open() fails
    process = SchedulerProcess(app, StateReporter(app, name="test:3"))
    thread = start(process)
    try:
        until(lambda: (row(app, "test:3") or SchedulerState(failures=0)).failures >= 2)
        assert thread.is_alive() and not process.leading
        assert "IsADirectoryError" in row(app, "test:3").last_error
        assert app.test_client().get("/readyz").status_code == 503
        blocker.rmdir()
        until(lambda: process.leading)
        until(lambda: app.test_client().get("/readyz").status_code == 200)
    finally:
        process.stop()
        thread.join(10)


def test_rows_of_long_gone_processes_are_forgotten(bare_app):
    from datetime import timedelta

    from app import clock
    with bare_app.app_context():
        old = clock.now() - timedelta(days=8)
        db.session.add(SchedulerState(name="old:1", role="stopped", started_at=old, heartbeat_at=old, failures=0))
        db.session.add(SchedulerState(name="recent:2", role="stopped", started_at=clock.now(),
                                      heartbeat_at=clock.now() - timedelta(days=1), failures=0))
        db.session.commit()
    StateReporter(bare_app, name="new:3").report("standby")
    with bare_app.app_context():
        assert sorted(db.session.scalars(select(SchedulerState.name))) == ["new:3", "recent:2"]
