"""Every status change of flow C queues exactly one message per recipient and channel, in the
applicant's language, in the same transaction as the change; the applicant sees the history."""
import re
from types import SimpleNamespace

from sqlalchemy import select

from app.accounts.actor import Actor
from app.extensions import db
from app.inbox import operations as inbox_ops
from app.models import Application, Notification, Office, User, WorkItem
from app.notifications import dispatch_due
from app.processes import hooks
from tests.helpers import RESIDENTIAL_FORM, act, residential_payload

from .conftest import rows

OPERATOR = "operator.csc-domkal"
MOBILE = "+919876543210"
EMAIL = "rahima@example.org"
BENGALI = re.compile("[\u0980-\u09FF]")


def submit(api, language="bn"):
    payload = residential_payload(api, OPERATOR)
    payload["applicant"].update(email=EMAIL, language=language)
    r = api.post("/api/v1/applications", json=payload, user=OPERATOR)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ain"]


class Outbox:
    """The rows added since the last look."""

    def __init__(self, app):
        self.app = app
        self.seen = set()

    def new(self) -> list[tuple]:
        found = [r for r in rows(self.app) if r.id not in self.seen]
        self.seen.update(r.id for r in found)
        return sorted((r.event, r.channel, r.to, r.language) for r in found)


def expected(event, language="bn"):
    return sorted([(event, "email", EMAIL, language), (event, "sms", MOBILE, language),
                   (event, "whatsapp", MOBILE, language)])


def test_each_status_change_of_flow_c_notifies_once_per_channel_in_bengali(api, app):
    outbox = Outbox(app)
    ain = submit(api)
    assert outbox.new() == expected("submitted")
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert outbox.new() == expected("in_process")
    act(api, "eo.domkal", ain, "submit_report", data={"report": "Resident since 1995.", "recommendation": "recommend"})
    assert outbox.new() == []  # no change of status, no message
    act(api, "bdo.domkal", ain, "send_back", remarks="The photograph is blurred; upload a clear one.")
    assert outbox.new() == expected("sent_back")
    fixed = dict(RESIDENTIAL_FORM, address="Village Raipur, house 12")
    assert api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": fixed}, user=OPERATOR).status_code == 200
    assert outbox.new() == expected("in_process")
    act(api, "bdo.domkal", ain, "verify")
    assert outbox.new() == []
    final = act(api, "bdo.domkal", ain, "approve")["status"]
    assert outbox.new() == expected(final.lower())

    counts = dispatch_due(app)  # console backend in tests
    assert counts["sent"] == 15 and counts["dead"] == 0
    sent = rows(app)
    assert all(r.status == "sent" and BENGALI.search(r.body) and ain in r.body for r in sent)
    sent_back = [r for r in sent if r.event == "sent_back"]
    assert all("মন্তব্য: The photograph is blurred; upload a clear one।" in r.body for r in sent_back)
    assert [r.subject for r in sent if r.channel == "email"][0].startswith("আবেদন")
    if final == "DELIVERED":
        with app.app_context():
            from app.models import Certificate
            uin = db.session.scalar(select(Certificate.uin))
        assert all(uin in r.body for r in sent if r.event == "delivered")

    history = api.get(f"/api/v1/applications/{ain}", user=OPERATOR).get_json()["notifications"]
    assert len(history) == 15
    assert history[0]["event"] == "submitted" and history[0]["status"] == "sent"
    assert set(history[0]) == {"channel", "event", "to", "status", "at"}
    assert [h["event"] for h in history[::3]] == ["submitted", "in_process", "sent_back", "in_process", final.lower()]


def test_rejection_carries_reason_and_english_for_an_english_applicant(api, app):
    ain = submit(api, language="en")
    act(api, "bdo.domkal", ain, "reject", reason="Applicant does not live in this block.")
    dispatch_due(app)
    rejected = rows(app, event="rejected", channel="sms")
    assert len(rejected) == 1
    body = rejected[0].body
    assert rejected[0].language == "en" and not BENGALI.search(body)
    assert "Reason: Applicant does not live in this block. Remedy: You may" in body
    submitted = rows(app, event="submitted", channel="sms")[0].body
    assert submitted.startswith("Dear Rahima Khatun, your application for") and ain in submitted


def test_a_rolled_back_change_leaves_no_notification(api, app):
    ain = submit(api)
    before = len(rows(app))
    with app.app_context():
        item = db.session.scalar(select(WorkItem).join(Application).where(
            Application.ain == ain, WorkItem.closed_at.is_(None)))
        item_id = item.id
        bdo = Actor(user=db.session.scalar(select(User).where(User.username == "bdo.domkal")))
        inbox_ops.complete(bdo, item_id, {"action": "reject", "reason": "Not resident."}, app.config)
        assert db.session.scalar(select(db.func.count(Notification.id))) == before + 3  # queued in the transaction…
        db.session.rollback()
    assert len(rows(app)) == before  # …and gone with it
    # a refused request (422) queues nothing either
    r = api.post(f"/api/v1/tasks/{item_id}/complete", json={"action": "reject"}, user="bdo.domkal")
    assert r.status_code == 422
    assert len(rows(app)) == before


def test_the_same_change_emitted_twice_is_queued_once(api, app):
    ain = submit(api)
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        for _ in range(2):
            hooks.emit("status_changed", application=application, old="SUBMITTED", new="REJECTED", actor=None)
        db.session.commit()
    assert len(rows(app, event="rejected")) == 3


def test_escalation_alerts_the_officer_and_the_target_not_the_applicant(api, app):
    ain = submit(api)
    with app.app_context():
        bdo = db.session.scalar(select(User).where(User.username == "bdo.domkal"))
        dm = db.session.scalar(select(User).where(User.username == "dm.murshidabad"))
        bdo.mobile, bdo.email = "9800000001", "bdo.domkal@example.gov.in"
        dm.mobile, dm.language = "+91 98000 00002", "bn"
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        item = db.session.scalar(select(WorkItem).where(WorkItem.application_id == application.id))
        dm_office = db.session.scalar(select(Office).where(Office.code == "DM-MURSHIDABAD"))
        escalation = SimpleNamespace(level=1, target_role="DM", target_office_id=dm_office.id)
        for _ in range(2):  # a repeated emission does not alert twice
            hooks.emit("escalated", application=application, item=item, escalation=escalation)
        db.session.commit()
    alerts = rows(app, event="escalated")
    assert sorted((r.channel, r.to, r.language, r.audience) for r in alerts) == [
        ("email", "bdo.domkal@example.gov.in", "en", "officer"), ("sms", "+919800000001", "en", "officer"),
        ("sms", "+919800000002", "bn", "officer")]
    dispatch_due(app)
    dm_sms = rows(app, event="escalated", to="+919800000002")[0]
    assert dm_sms.status == "sent" and ain in dm_sms.body and "স্তর 1" in dm_sms.body
    history = api.get(f"/api/v1/applications/{ain}", user=OPERATOR).get_json()["notifications"]
    assert {h["event"] for h in history} == {"submitted"}  # officers' alerts are not the applicant's
