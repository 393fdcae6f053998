"""Black box: real processes, PRAVAH_SLA_DAY_SECONDS=2, an application escalates within 2 s of its deadline."""
import signal
from datetime import datetime

import pytest

from tests.scheduler.live import LiveServer

SETTINGS = {"PRAVAH_SLA_DAY_SECONDS": "2", "PRAVAH_TIMER_SWEEP_SECONDS": "1"}


def lateness(item) -> float:
    esc = item["escalation"]
    return (datetime.fromisoformat(esc["raised_at"]) - datetime.fromisoformat(esc["step_due_at"])).total_seconds()


@pytest.fixture
def live(tmp_path):
    server = LiveServer(tmp_path, **SETTINGS)
    server.prepare()
    yield server
    server.stop()


def test_flask_serve_runs_web_and_scheduler_together(live):
    live.start("serve", "flask", "serve", "--port", str(live.port))
    live.wait_ready()
    ain = live.submit_residential()
    item = live.wait_escalated(ain)
    assert item["escalation"]["level"] == 1 and item["escalation"]["role"] == "DM"
    assert 0 <= lateness(item) <= 2.0, item


def test_gunicorn_with_leader_and_standby_schedulers(live):
    live.start("web", "gunicorn", "-b", f"127.0.0.1:{live.port}", "-w", "2", "wsgi:app")
    first = live.start("scheduler1", "flask", "scheduler", "run")
    live.wait_ready()
    live.wait_log("scheduler1", "scheduler: leader")
    second = live.start("scheduler2", "flask", "scheduler", "run")
    live.wait_log("scheduler2", "standing by")
    ain = live.submit_residential()
    item = live.wait_escalated(ain)
    assert 0 <= lateness(item) <= 2.0, item

    first.send_signal(signal.SIGKILL)       # the leader dies; the standby takes over
    first.wait()
    ain2 = live.submit_residential()
    item2 = live.wait_escalated(ain2)
    assert lateness(item2) <= 4.0, item2   # take-over costs up to one standby poll
    assert "scheduler: leader" in live.log("scheduler2")
    assert second.poll() is None
    # exactly once: one escalation per application although web workers and two schedulers ran
    items = live.get("/api/v1/inbox?escalated=true&per_page=200", "dm.murshidabad").json()["items"]
    assert sorted(i["ain"] for i in items) == sorted([ain, ain2])
