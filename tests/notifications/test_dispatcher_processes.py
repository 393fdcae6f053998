"""`flask notifications dispatch` as separate processes on a file SQLite (or PostgreSQL) database:
killed mid-batch, and several at once — every message reaches the fake Twilio exactly once."""
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from app.config import ROOT, engine_options
from app.extensions import db
from app.notifications import dispatch_due, enqueue

from .conftest import SID, SMS_FROM, TOKEN, rows


@pytest.fixture
def shared_db(app_config, tmp_path):
    """A database another process can open: the PostgreSQL under test, else a SQLite file."""
    url = os.environ.get("PRAVAH_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'outbox.db'}"
    if url.startswith("sqlite"):
        app_config.SQLALCHEMY_DATABASE_URI = url
        app_config.SQLALCHEMY_ENGINE_OPTIONS = engine_options(url)
    return url


def dispatcher(url, fake, tmp_path, *args, **settings):
    env = dict(os.environ, PRAVAH_ENV="testing", PRAVAH_TEST_DATABASE_URL=url, FLASK_APP="wsgi.py",
               PRAVAH_DATA_DIR=str(tmp_path / "data"), PRAVAH_NOTIFY_BACKEND="twilio",
               PRAVAH_TWILIO_ACCOUNT_SID=SID, PRAVAH_TWILIO_AUTH_TOKEN=TOKEN, PRAVAH_TWILIO_FROM=SMS_FROM,
               PRAVAH_TWILIO_API_URL=fake.url, **{f"PRAVAH_{k}": str(v) for k, v in settings.items()})
    return subprocess.Popen([sys.executable, "-m", "flask", "notifications", "dispatch", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def queue_many(app, n) -> list[str]:
    bodies = [f"message {i} {uuid.uuid4().hex[:6]}" for i in range(n)]
    with app.app_context():
        for i, body in enumerate(bodies):
            enqueue(event="submitted", channel="sms", to=f"+9198765{i:05d}", audience="applicant", body=body,
                    dedupe_key=f"test:{body}")
        db.session.commit()
    return bodies


def wait_for(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_dispatcher_killed_mid_batch_causes_no_duplicate(twilio_config, shared_db, bare_app, fake_twilio, tmp_path):
    bodies = queue_many(bare_app, 12)
    fake_twilio.hold_create = {4: 20}  # the 4th message is created, its answer held back
    proc = dispatcher(shared_db, fake_twilio, tmp_path, "--limit", "50",
                      NOTIFY_SEND_TIMEOUT=15, NOTIFY_LEASE_SECONDS=60)
    try:
        assert wait_for(lambda: fake_twilio.create_calls >= 4), proc.communicate(timeout=5)
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert len(fake_twilio.received()) == 4
    before = Counter(r.status for r in rows(bare_app))
    assert before == {"sent": 3, "sending": 9}  # 4th reached Twilio unmarked; 5th–12th claimed, untried

    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=61), tick=True):
        counts = dispatch_due(bare_app)
    assert counts["sent"] == 9
    assert all(r.status == "sent" for r in rows(bare_app))
    received = Counter(m["body"] for m in fake_twilio.received())
    assert received == Counter(bodies)  # each exactly once
    assert fake_twilio.create_calls == 12


def test_several_dispatchers_with_provider_errors_send_each_message_once(twilio_config, shared_db, bare_app,
                                                                          fake_twilio, tmp_path):
    bodies = queue_many(bare_app, 30)
    fake_twilio.fail_next(500, 20500, times=3)
    fake_twilio.fail_next(503, 20503, times=2)
    procs = [dispatcher(shared_db, fake_twilio, tmp_path, "--limit", "3", "--loop", "--interval", "0.1",
                        NOTIFY_BACKOFF_SECONDS=0.2, NOTIFY_SEND_TIMEOUT=5, NOTIFY_LEASE_SECONDS=60)
             for _ in range(3)]
    try:
        done = wait_for(lambda: all(r.status == "sent" for r in rows(bare_app)), seconds=120)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
    assert done, Counter(r.status for r in rows(bare_app))
    assert Counter(m["body"] for m in fake_twilio.received()) == Counter(bodies)
    assert fake_twilio.create_calls == 30 + 5
