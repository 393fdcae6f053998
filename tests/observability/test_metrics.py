"""/metrics in Prometheus text format: request latency by endpoint, actions by outcome, certificate
time, timers due and lateness, outbox backlog; X-Request-Id and JSON log lines."""
import json
import logging
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import ProcessInstance
from app.observability.logs import JsonFormatter, RequestIdFilter
from tests.certificates.flow_helpers import approve
from tests.helpers import submit_residential


def scrape(client) -> dict:
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(r.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_actions_and_certificates_are_counted(app, api, client):
    before = scrape(client)
    ain = submit_residential(api)
    approve(api, "residential_edistrict", ain)
    r = api.post("/api/v1/tasks/999999/complete", json={"action": "approve"}, user="bdo.domkal")
    assert r.status_code == 404
    after = scrape(client)

    submitted = ("pravah_request_seconds_count", dict(endpoint="api.submit", method="POST", status="2xx"))
    assert value(after, submitted[0], **submitted[1]) - value(before, submitted[0], **submitted[1]) == 1
    assert value(after, "pravah_actions_total", outcome="done") - value(before, "pravah_actions_total", outcome="done") == 2
    assert value(after, "pravah_actions_total", outcome="refused") - value(
        before, "pravah_actions_total", outcome="refused") == 1
    assert value(after, "pravah_certificate_seconds_count") - value(before, "pravah_certificate_seconds_count") == 1
    assert value(after, "pravah_certificate_seconds_sum") > value(before, "pravah_certificate_seconds_sum")


def test_backlog_gauges_read_the_database(app, api, client):
    submit_residential(api)
    samples = scrape(client)
    assert value(samples, "pravah_timers_due") == 0
    assert value(samples, "pravah_timer_lateness_seconds") == 0
    assert value(samples, "pravah_outbox_backlog") >= 1   # the submission's SMS waits for the dispatcher
    assert value(samples, "pravah_scheduler_heartbeat_age_seconds") == -1
    with app.app_context():
        db.session.execute(update(ProcessInstance).values(next_timer_at=clock.now() - timedelta(seconds=90)))
        db.session.commit()
    samples = scrape(client)
    assert value(samples, "pravah_timers_due") == 1
    assert 90 <= value(samples, "pravah_timer_lateness_seconds") < 200


def test_request_id_is_honoured_or_made_and_returned(client):
    assert client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.42"}).headers["X-Request-Id"] == "lb-7f3a.42"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id <script>" + "x" * 200}).headers["X-Request-Id"]
    assert len(made) == 32 and made.isalnum()
    assert client.get("/healthz").headers["X-Request-Id"] != made


def test_log_lines_are_json_with_the_request_id(app, client, caplog):
    formatter = JsonFormatter()
    with caplog.at_level(logging.INFO, logger="pravah.access"):
        client.get("/api/v1/services", headers={"X-Request-Id": "req-123"})
    record = next(r for r in caplog.records if r.name == "pravah.access")
    assert RequestIdFilter().filter(record) and record.request_id == "req-123"
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "req-123"
    assert (line["logger"], line["method"], line["path"], line["status"]) == (
        "pravah.access", "GET", "/api/v1/services", 200)
    assert line["endpoint"] == "api.services"
    assert isinstance(line["duration_ms"], float)
