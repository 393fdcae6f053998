"""The purge of ended logins and rate-limit windows: by the app clock, each row deleted once even with
several purgers at work, and run by the scheduler."""
import os
import threading
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import delete, func, select, update

from app import clock
from app.accounts import ratelimit
from app.accounts.purge import purge_ended, purge_job
from app.accounts.tokens import SessionPolicy, issue_token
from app.extensions import db
from app.models import ApiToken, RateLimitWindow, User
from scheduler import jobs
from tests.concurrency import run_together

START = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)
PG_URL = os.environ.get("PRAVAH_TEST_DATABASE_URL", "")


def _left(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _citizen() -> User:
    user = User(username="citizen.purge", name="Citizen", language="bn")
    db.session.add(user)
    db.session.flush()
    return user


def test_purge_deletes_what_has_ended_by_the_app_clock(app):
    """Staff: 30 minutes idle, 10 hours at most; citizens: 120 minutes idle, 24 hours at most. The
    database's own clock (real time, months after START) would have deleted everything at once."""
    sessions = SessionPolicy.from_config(app.config)
    with app.app_context(), time_machine.travel(START, tick=False) as traveller:
        # Windows counted by apps other tests built outside the app fixture (tests/accounts/test_limits.py)
        # are not emptied on a shared PostgreSQL database: start from none.
        db.session.execute(delete(RateLimitWindow))
        db.session.commit()
        staff = db.session.scalar(select(User).where(User.username == "bdo.domkal"))
        issue_token(staff, None, policy=sessions)
        _raw, citizen_login = issue_token(_citizen(), None, policy=sessions)
        db.session.commit()
        ratelimit.hit("login-ip", "10.0.0.1", limit=5, window_seconds=60)
        ratelimit.hit("otp-day", "+919876543210", limit=5, window_seconds=86400)

        traveller.move_to(START + timedelta(minutes=90))   # the minute's window is over; nobody idle 120 min
        assert purge_ended(app.config) == {"logins": 0, "rate_limits": 1}
        assert {k.split(":")[0] for k in db.session.scalars(select(RateLimitWindow.key))} == {"otp-day"}

        traveller.move_to(START + timedelta(hours=2))       # the citizen comes back; the officer does not
        db.session.execute(update(ApiToken).where(ApiToken.id == citizen_login.id).values(last_used_at=clock.now()))
        db.session.commit()
        traveller.move_to(START + timedelta(hours=3))
        assert purge_ended(app.config) == {"logins": 1, "rate_limits": 0}
        assert set(db.session.scalars(select(ApiToken.id))) == {citizen_login.id}

        traveller.move_to(START + timedelta(hours=25))      # past the citizen's 24 hours, though used a minute ago
        db.session.execute(update(ApiToken).where(ApiToken.id == citizen_login.id).values(
            last_used_at=clock.now() - timedelta(minutes=1)))
        db.session.commit()
        assert purge_ended(app.config) == {"logins": 1, "rate_limits": 1}
        assert (_left(ApiToken), _left(RateLimitWindow)) == (0, 0)
        db.session.remove()


def _ended_rows(app, logins: int, live: int, windows: int) -> None:
    """``logins`` logins past their end, ``live`` logins in use, ``windows`` closed rate-limit windows."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bdo.domkal"))
        now = clock.now()
        for n in range(logins + live):
            _raw, token = issue_token(user, 1)
            if n < logins:
                token.expires_at = now - timedelta(minutes=1)
        db.session.add_all(RateLimitWindow(key=f"login-ip:10.0.{n}.1:0", count=1, expires_at=now - timedelta(seconds=1))
                           for n in range(windows))
        db.session.commit()
        db.session.remove()


def _purge_in_threads(app, workers: int, batch: int) -> list[dict]:
    results, errors = [], []
    start = threading.Barrier(workers)

    def work():
        try:
            with app.app_context():
                start.wait()
                results.append(purge_ended(app.config, batch=batch))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    run_together(work, [()] * workers)
    assert not errors, errors
    return results


@pytest.mark.postgres_only
@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="needs PostgreSQL (PRAVAH_TEST_DATABASE_URL)")
def test_three_purgers_at_once_delete_each_row_once(app):
    _ended_rows(app, logins=300, live=5, windows=200)
    results = _purge_in_threads(app, workers=3, batch=7)
    assert sum(r["logins"] for r in results) == 300 and sum(r["rate_limits"] for r in results) == 200, results
    assert sum(1 for r in results if r["logins"]) >= 2, results           # the work was shared
    with app.app_context():
        assert (_left(ApiToken), _left(RateLimitWindow)) == (5, 0)
        db.session.remove()


def test_a_second_purger_finds_nothing_left(app):
    """On SQLite purgers take turns (every transaction is BEGIN IMMEDIATE): the second deletes nothing."""
    _ended_rows(app, logins=30, live=2, windows=12)
    with app.app_context():
        first, second = purge_ended(app.config, batch=7), purge_ended(app.config, batch=7)
        assert (first, second) == ({"logins": 30, "rate_limits": 12}, {"logins": 0, "rate_limits": 0})
        assert (_left(ApiToken), _left(RateLimitWindow)) == (2, 0)
        db.session.remove()


def test_the_scheduler_runs_the_purge(app):
    job = next(j for j in jobs.JOBS if j.id == "login_purge")
    assert job.resolve() is purge_job and job.interval(app.config) == app.config["PURGE_SECONDS"]
    _ended_rows(app, logins=3, live=1, windows=2)
    job.resolve()(app)
    with app.app_context():
        assert (_left(ApiToken), _left(RateLimitWindow)) == (1, 0)
        db.session.remove()
