"""/healthz, /readyz (each check named; 503 on a stale scheduler, overdue timers, storage down)."""
from datetime import timedelta

import time_machine
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import ProcessInstance, SchedulerState
from tests.helpers import submit_residential
from tests.storage.test_unavailable import DownStorage


def beat(app, *, ago: float = 0, role="leader", name="host-a:101", failures=0, error=None):
    with app.app_context():
        now = clock.now() - timedelta(seconds=ago)
        row = db.session.get(SchedulerState, name) or SchedulerState(name=name, started_at=now)
        row.role, row.heartbeat_at, row.failures, row.last_error = role, now, failures, error
        row.last_error_at = now if error else None
        db.session.add(row)
        db.session.commit()


def test_healthz_answers_while_the_process_is_up(client):
    r = client.get("/healthz")
    assert (r.status_code, r.get_json()) == (200, {"status": "ok"})


def test_ready_with_database_storage_fresh_heartbeat_and_no_overdue_timer(app, client):
    beat(app)
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "storage", "scheduler", "timers"}
    assert all(c["ok"] for c in body["checks"].values())
    assert body["checks"]["scheduler"]["leader"] == "host-a:101"
    assert body["checks"]["storage"]["backend"] == app.config["STORAGE"].name


def test_not_ready_without_any_scheduler(app, client):
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 503
    assert body["status"] == "not_ready"
    assert body["checks"]["scheduler"]["ok"] is False
    assert "flask scheduler run" in body["checks"]["scheduler"]["message"]
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]


def test_a_stale_heartbeat_makes_it_not_ready_and_names_the_last_error(app, client):
    beat(app)
    beat(app, name="host-b:202", role="error", failures=3, error="OSError: lock file unusable")
    assert client.get("/readyz").status_code == 200
    with time_machine.travel(clock.now() + timedelta(seconds=app.config["SCHEDULER_STALE_SECONDS"] + 5)):
        r = client.get("/readyz")
        beat(app, name="host-b:202", role="error", failures=4, error="OSError: lock file unusable")
        again = client.get("/readyz").get_json()["checks"]["scheduler"]
    assert r.status_code == 503
    check = r.get_json()["checks"]["scheduler"]
    assert check["ok"] is False and "last heartbeat was" in check["message"] and "host-a:101" in check["message"]
    assert "host-b:202: OSError: lock file unusable" in again["message"]


def test_overdue_timers_make_it_not_ready(app, api, client):
    beat(app)
    ain = submit_residential(api)
    with app.app_context():
        db.session.execute(update(ProcessInstance).values(
            next_timer_at=clock.now() - timedelta(seconds=app.config["TIMER_OVERDUE_SECONDS"] + 60)))
        db.session.commit()
    r = client.get("/readyz")
    assert r.status_code == 503, ain
    assert r.get_json()["checks"]["timers"] == {"ok": False, "message": r.get_json()["checks"]["timers"]["message"]}
    assert "have not fired" in r.get_json()["checks"]["timers"]["message"]
    with app.app_context():   # a timer that keeps failing is backed off on purpose: not "overdue"
        db.session.execute(update(ProcessInstance).values(timer_failures=2))
        db.session.commit()
    assert client.get("/readyz").status_code == 200


def test_storage_down_makes_it_not_ready(app, client):
    beat(app)
    working = app.config["STORAGE"]
    app.config["STORAGE"] = DownStorage()
    try:
        r = client.get("/readyz")
    finally:
        app.config["STORAGE"] = working
    assert r.status_code == 503
    assert r.get_json()["checks"]["storage"] == {"ok": False, "message": "down: disk unplugged"}
