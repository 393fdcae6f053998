"""Partner webhooks: each status change of the partner's applications arrives once, signed, with retries."""
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from app import clock
from app.extensions import db
from app.models import Notification
from app.notifications import dispatch_due
from tests.helpers import act
from tests.services.samples import submit


class Receiver:
    """A partner's endpoint on 127.0.0.1 that records deliveries and fails the first ``fail`` of them."""

    def __init__(self, fail=0):
        self.received, self.fail = [], fail
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail:
                    outer.fail -= 1
                    self.send_response(503)
                else:
                    outer.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/pravah-events"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def partner(api, app):
    result = app.test_cli_runner().invoke(args=["apikeys", "create", "--name", "BSKPORTAL", "--channel", "BSK"])
    api.tokens["apikey.bskportal"] = result.output.strip().splitlines()[-1]
    return "apikey.bskportal"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _valid(secret, headers, body):
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Pravah-Signature"], expected)


def test_each_change_arrives_once_with_a_valid_signature(api, app, partner, receiver):
    r = api.post("/api/v1/webhooks", json={"url": receiver.url}, user=partner)
    assert r.status_code == 201, r.get_json()
    secret = r.get_json()["secret"]
    assert api.get("/api/v1/webhooks", user=partner).get_json()["items"] == [
        {k: v for k, v in r.get_json().items() if k != "secret"}]

    ain = submit(api, "income", user=partner)
    other = submit(api, "income", user="operator.raipur")      # not the partner's: never sent to it
    act(api, "pradhan.raipur", ain, "approve")
    act(api, "pradhan.raipur", other, "approve")
    dispatch_due(app)
    dispatch_due(app)                                           # a second run sends nothing again
    events = [json.loads(body) for _, body in receiver.received]
    assert [(e["ain"], e["status"]) for e in events] == [(ain, "SUBMITTED"), (ain, "DELIVERED")]
    assert all(_valid(secret, h, body) for h, body in receiver.received)
    assert len({h["X-Pravah-Delivery"] for h, _ in receiver.received}) == 2
    tampered = receiver.received[0][1].replace(b"SUBMITTED", b"DELIVERED")
    assert not _valid(secret, receiver.received[0][0], tampered)


def test_a_failing_receiver_is_retried(api, app, partner):
    flaky = Receiver(fail=1)
    try:
        api.post("/api/v1/webhooks", json={"url": flaky.url}, user=partner)
        submit(api, "income", user=partner)
        dispatch_due(app)
        assert flaky.received == []
        with time_machine.travel(clock.now() + timedelta(minutes=5), tick=False):
            dispatch_due(app)
        assert [json.loads(b)["status"] for _, b in flaky.received] == ["SUBMITTED"]
    finally:
        flaky.close()


def test_an_unreachable_receiver_ends_in_the_dead_letter_list(api, app, partner):
    api.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/nowhere"}, user=partner)
    submit(api, "age", user=partner)
    app.config["NOTIFY_MAX_ATTEMPTS"] = 1
    dispatch_due(app)
    with time_machine.travel(clock.now() + timedelta(hours=2), tick=False):
        dispatch_due(app)
    with app.app_context():
        dead = db.session.query(Notification).filter_by(channel="webhook", status="dead").all()
        assert [n.to for n in dead] == ["http://127.0.0.1:9/nowhere"]
    listed = api.get("/api/v1/admin/notifications?status=dead", user="admin.state").get_json()["items"]
    assert any(row["channel"] == "webhook" for row in listed)


def test_registration_rules(api, partner):
    assert api.post("/api/v1/webhooks", json={"url": "ftp://x"}, user=partner).status_code == 422
    assert api.post("/api/v1/webhooks", json={"url": "https://u:p@x.example/"}, user=partner).status_code == 422
    assert api.post("/api/v1/webhooks", json={"url": "https://x.example/", "events": []}, user=partner).status_code == 422
    assert api.post("/api/v1/webhooks", json={"url": "https://x.example/"}, user="operator.raipur").status_code == 403
    hook = api.post("/api/v1/webhooks", json={"url": "https://x.example/"}, user=partner).get_json()
    assert api.delete(f"/api/v1/webhooks/{hook['id']}", user="operator.raipur").status_code == 403
    assert api.delete(f"/api/v1/webhooks/{hook['id']}", user=partner).status_code == 204
    assert api.get("/api/v1/webhooks", user=partner).get_json()["items"] == []
    assert api.delete(f"/api/v1/webhooks/{hook['id']}", user=partner).status_code == 404
