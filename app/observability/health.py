"""``/healthz`` (the process answers), ``/readyz`` (it can do its work), ``/metrics`` (Prometheus).

Readiness names each check — database, storage, scheduler heartbeat, timers not overdue — and
answers 503 when any fails, so a load balancer stops sending work and an alert can say which.
"""
from datetime import timedelta

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text

from .. import clock
from ..errors import StorageUnavailable
from ..extensions import db
from ..models import ProcessInstance, SchedulerState
from ..storage import storage_for
from .metrics import exposition

health_bp = Blueprint("health", __name__)


def _public(view):
    """A route anyone may call (load balancers, Prometheus): declared for tests/test_routes_access.py
    and tests/policy/ (listed there among the public routes)."""
    view.access_rule = ("public", ())
    view.asks_policy = True   # the decision "public" is the policy's list of public routes
    return view


@health_bp.get("/healthz")
@_public
def healthz():
    return jsonify({"status": "ok"})


@health_bp.get("/readyz")
@_public
def readyz():
    checks = readiness(current_app.config)
    ready = all(c["ok"] for c in checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503


@health_bp.get("/metrics")
@_public
def metrics():
    body, content_type = exposition(current_app.config)
    return current_app.response_class(body, content_type=content_type)


def readiness(settings) -> dict:
    """Each check → ``{"ok": bool, ...details}``; a check that cannot run counts as failed."""
    checks = {}
    for name, check in (("database", _database), ("storage", _storage), ("scheduler", _scheduler),
                        ("timers", _timers)):
        try:
            checks[name] = {"ok": True, **check(settings)}
        except _NotReady as exc:
            checks[name] = {"ok": False, "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - a broken dependency is "not ready", never a 500
            db.session.rollback()
            checks[name] = {"ok": False, "message": f"{type(exc).__name__}: {exc}"[:300]}
    db.session.rollback()
    return checks


class _NotReady(Exception):
    pass


def _database(settings) -> dict:
    db.session.execute(text("SELECT 1"))
    return {}


def _storage(settings) -> dict:
    storage = storage_for(settings)
    try:
        storage.check()
    except StorageUnavailable as exc:
        raise _NotReady(f"{storage.name}: {exc.message}") from exc
    return {"backend": storage.name}


def _scheduler(settings) -> dict:
    now = clock.now()
    row = db.session.execute(select(SchedulerState.name, SchedulerState.heartbeat_at)
                             .where(SchedulerState.role == "leader")
                             .order_by(SchedulerState.heartbeat_at.desc()).limit(1)).first()
    error = db.session.execute(select(SchedulerState.name, SchedulerState.last_error)
                               .where(SchedulerState.failures > 0,
                                      SchedulerState.heartbeat_at >= now - _stale(settings))
                               .order_by(SchedulerState.last_error_at.desc()).limit(1)).first()
    if row is None:
        raise _NotReady("no scheduler has ever led (is `flask scheduler run` running?)"
                        + (f"; {error.name}: {error.last_error}" if error else ""))
    age = (now - clock.as_utc(row.heartbeat_at)).total_seconds()
    if age > _stale(settings).total_seconds():
        raise _NotReady(f"the leading scheduler's last heartbeat was {age:.0f} s ago ({row.name})"
                        + (f"; {error.name}: {error.last_error}" if error else ""))
    return {"leader": row.name, "heartbeat_age_seconds": round(age, 1)}


def _timers(settings) -> dict:
    limit = clock.now() - timedelta(seconds=settings.get("TIMER_OVERDUE_SECONDS") or 300)
    overdue = db.session.scalar(select(func.count()).where(
        ProcessInstance.status == "RUNNING", ProcessInstance.next_timer_at < limit,
        ProcessInstance.timer_failures == 0))
    if overdue:
        raise _NotReady(f"{overdue} timer(s) due more than {settings.get('TIMER_OVERDUE_SECONDS') or 300} s "
                        "ago have not fired")
    return {"overdue": 0}


def _stale(settings) -> timedelta:
    return timedelta(seconds=settings.get("SCHEDULER_STALE_SECONDS") or 60)
