"""The dispatcher driving the real twilio client against the local fake Twilio."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from app.extensions import db
from app.notifications import dispatch_due, enqueue
from app.notifications.dispatch import claim

from .conftest import SMS_FROM, WHATSAPP_FROM, rows

MOBILE = "+919876543210"


def queue(app, *, channel="sms", to=MOBILE, body="Application HHA012 received.", key=None):
    with app.app_context():
        assert enqueue(event="submitted", channel=channel, to=to, audience="applicant", body=body,
                       dedupe_key=key or f"test:{uuid.uuid4()}")
        db.session.commit()


@pytest.fixture
def app_(twilio_config, bare_app):
    return bare_app


def test_sms_and_whatsapp_arrive_with_body_and_sender(app_, fake_twilio):
    queue(app_, channel="sms", body="আপনার আবেদন গৃহীত হয়েছে। AIN: HHA012-2026-0000001-X")
    queue(app_, channel="whatsapp", body="Your application was received.")
    counts = dispatch_due(app_)
    assert counts["sent"] == 2
    sms, whatsapp = fake_twilio.received()
    assert (sms["to"], sms["from"], sms["body"]) == (MOBILE, SMS_FROM, "আপনার আবেদন গৃহীত হয়েছে। AIN: HHA012-2026-0000001-X")
    assert (whatsapp["to"], whatsapp["from"]) == (f"whatsapp:{MOBILE}", f"whatsapp:{WHATSAPP_FROM}")
    assert whatsapp["body"] == "Your application was received."
    stored = rows(app_)
    assert [r.status for r in stored] == ["sent", "sent"]
    assert [r.provider_message_id for r in stored] == [sms["sid"], whatsapp["sid"]]
    assert dispatch_due(app_)["claimed"] == 0  # a row sent is never sent again
    assert len(fake_twilio.received()) == 2


def test_two_failures_then_exactly_once_on_the_third_attempt(app_, fake_twilio):
    fake_twilio.fail_next(500, 20500, times=2)
    queue(app_)
    with time_machine.travel(datetime.now(timezone.utc), tick=True) as traveller:
        assert dispatch_due(app_)["retry"] == 1
        row = rows(app_)[0]
        assert (row.status, row.attempts, row.maybe_sent) == ("pending", 1, True)
        assert "500" in row.last_error
        assert dispatch_due(app_)["claimed"] == 0  # backing off: not due yet
        traveller.shift(timedelta(seconds=31))
        assert dispatch_due(app_)["retry"] == 1
        assert dispatch_due(app_)["claimed"] == 0
        traveller.shift(timedelta(seconds=61))  # backoff doubled: 30 s, then 60 s
        assert dispatch_due(app_)["sent"] == 1
    assert fake_twilio.create_calls == 3
    assert len(fake_twilio.received()) == 1
    row = rows(app_)[0]
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 3, fake_twilio.received()[0]["sid"])


def test_invalid_number_is_dead_at_once(app_, fake_twilio):
    fake_twilio.fail_next(400, 21211)
    queue(app_)
    assert dispatch_due(app_)["dead"] == 1
    row = rows(app_)[0]
    assert (row.status, row.attempts) == ("dead", 1)
    assert "21211" in row.last_error
    assert fake_twilio.received() == []


def test_dead_after_max_attempts(twilio_config, bare_app, fake_twilio):
    twilio_config.NOTIFY_MAX_ATTEMPTS = 2
    bare_app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    fake_twilio.fail_next(503, 20503, times=5)
    queue(bare_app)
    with time_machine.travel(datetime.now(timezone.utc), tick=True) as traveller:
        assert dispatch_due(bare_app)["retry"] == 1
        traveller.shift(timedelta(minutes=5))
        assert dispatch_due(bare_app)["dead"] == 1
    assert rows(bare_app)[0].status == "dead"
    assert fake_twilio.received() == []


def test_a_lost_answer_is_looked_up_not_sent_again(app_, fake_twilio):
    app_.config["NOTIFY_SEND_TIMEOUT"] = 0.5
    fake_twilio.delay_after_create = 2  # Twilio creates the message but answers too late
    queue(app_)
    with time_machine.travel(datetime.now(timezone.utc), tick=True) as traveller:
        assert dispatch_due(app_)["retry"] == 1
        row = rows(app_)[0]
        assert row.maybe_sent and "Timeout" in row.last_error
        fake_twilio.delay_after_create = 0
        traveller.shift(timedelta(seconds=31))
        assert dispatch_due(app_)["sent"] == 1
    assert fake_twilio.create_calls == 1
    assert rows(app_)[0].provider_message_id == fake_twilio.received()[0]["sid"]


def test_dispatcher_that_died_after_sending_does_not_cause_a_second_send(app_, fake_twilio):
    """A claim whose owner sent but never marked: after the lease, the provider is asked first."""
    from twilio.rest import Client  # noqa: F401  (the real client, as the dead dispatcher used)
    from app.notifications import settings as notify_settings
    from app.notifications.backends import backend_for
    from app.notifications.dispatch import Message
    queue(app_, body="first")
    queue(app_, body="second")
    with time_machine.travel(datetime.now(timezone.utc), tick=True) as traveller:
        with app_.app_context():
            ids = claim("dead-dispatcher", 10, 120)
            first = Message.of(db.session.get(type(rows(app_)[0]), ids[0]))
            backend_for("sms", notify_settings.load(app_.config)).send(first)  # …and then it died
            db.session.remove()
        assert dispatch_due(app_)["claimed"] == 0  # the lease still holds
        traveller.shift(timedelta(seconds=121))
        counts = dispatch_due(app_)
    assert counts["sent"] == 2
    bodies = sorted(m["body"] for m in fake_twilio.received())
    assert bodies == ["first", "second"]  # "first" found at the provider, "second" sent once
    assert fake_twilio.create_calls == 2


def test_no_send_is_started_that_could_outlive_the_lease(app_, fake_twilio):
    app_.config.update(NOTIFY_LEASE_SECONDS=5, NOTIFY_SEND_TIMEOUT=2)  # 3 × 2 s does not fit in 5 s
    queue(app_)
    counts = dispatch_due(app_)
    assert counts["released"] == 1 and counts["sent"] == 0
    assert fake_twilio.create_calls == 0
    row = rows(app_)[0]
    assert (row.status, row.attempts, row.lease_owner) == ("pending", 0, None)


def test_wrong_credentials_are_not_a_silent_success(app_, fake_twilio):
    app_.config["TWILIO_AUTH_TOKEN"] = "wrong"
    queue(app_)
    assert dispatch_due(app_)["dead"] == 1  # 401 is permanent until someone fixes the settings
    assert "401" in rows(app_)[0].last_error


def test_the_scheduler_runs_the_dispatcher_and_wakes_it_for_the_next_retry(app_, fake_twilio):
    from scheduler.jobs import JOBS
    from app.notifications.dispatch import dispatch_job
    job = next(j for j in JOBS if j.id == "notification_dispatch")
    assert job.resolve() is dispatch_job
    fake_twilio.fail_next(503, 20503)
    queue(app_)
    wake = job.resolve()(app_)
    row = rows(app_)[0]
    assert row.status == "pending" and wake == row.next_attempt_at
    assert timedelta(seconds=29) < wake - row.updated_at <= timedelta(seconds=30)
