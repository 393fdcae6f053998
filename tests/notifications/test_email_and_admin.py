"""Email through a local SMTP server (aiosmtpd); the admin's failure list and retry; templates."""
import email
import re
from email import policy

import pytest

from app.extensions import db
from app.notifications import dispatch_due, enqueue, templates
from tests.helpers import submit_residential

from .conftest import rows


@pytest.fixture
def smtp_app(app_config, smtp_server):
    app_config.NOTIFY_BACKEND = "sms=console,whatsapp=console,email=smtp"
    app_config.SMTP_HOST = "127.0.0.1"
    app_config.SMTP_PORT = smtp_server.port
    app_config.SMTP_FROM = "noreply@pravah.example.gov.in"
    return app_config


def test_email_arrives_with_subject_body_and_a_stable_message_id(smtp_app, api, app, smtp_server):
    payload_email = "rahima@example.org"
    ain = submit_residential(api)
    with app.app_context():
        from sqlalchemy import select
        from app.models import Application
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        application.applicant_email = payload_email
        application.decision_reason = "Not resident in this block.\nRemedy: Apply in your own block."
        from app.notifications.outbox import on_status_changed
        on_status_changed(application, "SUBMITTED", "REJECTED")
        db.session.commit()
    assert dispatch_due(app)["dead"] == 0
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.mail_from == "noreply@pravah.example.gov.in" and envelope.rcpt_tos == [payload_email]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == f"আবেদন {ain} বাতিল হয়েছে"
    assert message["Message-ID"] == f"<pravah-notification-{rows(app, channel='email')[0].id}@pravah.example.gov.in>"
    text = message.get_content()
    assert ain in text and "কারণ: Not resident in this block। প্রতিকার: Apply in your own block।" in text
    row = rows(app, channel="email")[0]
    assert row.status == "sent" and row.provider_message_id == message["Message-ID"]


def test_a_refused_recipient_is_dead_and_an_admin_can_retry_it(smtp_app, api, app, smtp_server):
    with app.app_context():
        enqueue(event="submitted", channel="email", to="nobody@example.org", audience="applicant",
                dedupe_key="t:1", subject="Hello", body="Hello there")
        db.session.commit()

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 no such user here"
    smtp_server.handle_RCPT = refuse
    assert dispatch_due(app)["dead"] == 1
    del smtp_server.handle_RCPT

    assert api.get("/api/v1/admin/notifications?status=dead", user="bdo.domkal").status_code == 403
    listing = api.get("/api/v1/admin/notifications?status=dead", user="admin.state").get_json()
    assert listing["total"] == 1
    item = listing["items"][0]
    assert (item["channel"], item["to"], item["status"]) == ("email", "nobody@example.org", "dead")
    assert "550" in item["last_error"]
    assert api.get("/api/v1/admin/notifications?status=bogus", user="admin.state").status_code == 422

    r = api.post(f"/api/v1/admin/notifications/{item['id']}/retry", user="admin.state")
    assert r.status_code == 200 and r.get_json()["status"] == "pending"
    assert api.post(f"/api/v1/admin/notifications/{item['id']}/retry", user="admin.state").status_code == 409
    assert api.post("/api/v1/admin/notifications/999999/retry", user="admin.state").status_code == 404
    assert dispatch_due(app)["sent"] == 1
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["nobody@example.org"]]
    assert api.get("/api/v1/admin/notifications?status=dead", user="admin.state").get_json()["total"] == 0


def test_an_otp_is_never_retried_by_an_admin(api, app):
    with app.app_context():
        enqueue(event="otp", channel="sms", to="+919876543210", audience="user", dedupe_key="otp:x",
                body="123456 is your code")
        db.session.commit()
        from sqlalchemy import update
        from app.models import Notification
        db.session.execute(update(Notification).values(status="dead"))
        db.session.commit()
    row_id = rows(app)[0].id
    r = api.post(f"/api/v1/admin/notifications/{row_id}/retry", user="admin.state")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "otp_not_retried"


SAMPLE = {"ain": "HHA012-2026-0000001-X", "applicant_name": "Rahima", "service_name": "Residential",
          "stage": "Verification", "status": "SUBMITTED", "track_url": "u", "remarks": "r", "reason": "r",
          "remedy": "m", "uin": "0120012026000001", "download_url": "d", "level": "1", "office": "o",
          "inbox_url": "i", "code": "123456", "minutes": "5", "public_url": "p"}


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_every_event_has_a_template_in_each_language_that_renders(language):
    names = set(templates.rules()["events"]) | {"approved_certificate"}
    for name in names:
        path = templates.DEFAULT_DIR / f"{name}.{language}.txt"
        assert path.exists(), path
        subject, body = templates.render(name, language, SAMPLE)
        assert subject and body and "${" not in body
        assert bool(re.search("[\u0980-\u09FF]", body)) == (language == "bn"), name
    for status, event in templates.rules()["statuses"].items():
        assert event in templates.rules()["events"], status
