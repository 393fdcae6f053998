"""Prometheus metrics: what a request or a certificate costs (counted in the process) and what is
waiting in the database (read at scrape time, so every host reports the same truth).

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder per host (wiped at start): each
worker then writes its counters there and ``/metrics`` sums them (prometheus-client's multiprocess
mode); without it the process's own registry is served.
"""
import os
import time

from flask import g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Notification, ProcessInstance, SchedulerState

REQUEST_SECONDS = Histogram("pravah_request_seconds", "Time to answer a request, by endpoint.",
                            ["endpoint", "method", "status"],
                            buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
ACTIONS = Counter("pravah_actions_total", "Officer task actions, by outcome (done / refused / failed).",
                  ["outcome"])
CERTIFICATE_SECONDS = Histogram("pravah_certificate_seconds", "Render + QR + sign one certificate.",
                                buckets=(.01, .025, .05, .1, .25, .5, 1, 2.5, 5))
#: endpoints that complete an officer's task (API and the task page)
ACTION_ENDPOINTS = {"api.complete", "officer.complete"}


def outcome(status: int) -> str:
    return "done" if status < 400 else "refused" if status < 500 else "failed"


def _before():
    g.metrics_started = time.perf_counter()


def _after(response):
    started = g.pop("metrics_started", None)
    endpoint = request.endpoint or "unmatched"
    if started is not None and endpoint not in ("health.metrics",):
        REQUEST_SECONDS.labels(endpoint, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started)
    if endpoint in ACTION_ENDPOINTS and request.method == "POST":
        ACTIONS.labels(outcome(response.status_code)).inc()
    return response


class BacklogCollector:
    """Gauges read from the database at scrape time: due timers, their lateness, outbox, scheduler."""

    def __init__(self, settings):
        self.settings = settings

    def collect(self):
        now = clock.now()
        due, oldest = db.session.execute(select(func.count(), func.min(ProcessInstance.next_timer_at)).where(
            ProcessInstance.status == "RUNNING", ProcessInstance.next_timer_at <= now)).one()
        failing = db.session.scalar(select(func.count()).where(
            ProcessInstance.status == "RUNNING", ProcessInstance.timer_failures > 0))
        backlog = db.session.scalar(select(func.count()).where(
            Notification.status.in_(("pending", "sending"))))
        beat = db.session.scalar(select(func.max(SchedulerState.heartbeat_at)).where(SchedulerState.role == "leader"))
        db.session.rollback()
        yield _gauge("pravah_timers_due", "Process timers due now and not yet fired.", due)
        yield _gauge("pravah_timer_lateness_seconds", "How late the oldest due timer is (0 when none).",
                     (now - clock.as_utc(oldest)).total_seconds() if oldest else 0.0)
        yield _gauge("pravah_timers_failing", "Instances whose timer failed and is backed off.", failing)
        yield _gauge("pravah_outbox_backlog", "Notifications waiting to be sent.", backlog)
        yield _gauge("pravah_scheduler_heartbeat_age_seconds",
                     "Seconds since the leading scheduler's last heartbeat (-1: none ever).",
                     (now - clock.as_utc(beat)).total_seconds() if beat else -1.0)


def _gauge(name, doc, value):
    family = GaugeMetricFamily(name, doc)
    family.add_metric([], float(value or 0))
    return family


def exposition(settings) -> tuple[bytes, str]:
    """The text of /metrics: this host's workers (multiprocess mode) or this process, plus the backlog."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    backlog = CollectorRegistry()
    backlog.register(BacklogCollector(settings))
    return generate_latest(registry) + generate_latest(backlog), CONTENT_TYPE_LATEST


def init_app(app) -> None:
    app.before_request(_before)
    app.after_request(_after)

