"""Issue pushes an Add, revocation a Delete, through the outbox with its retries."""
from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.notifications import dispatch_due
from tests.certificates.flow_helpers import issue
from tests.digilocker.fake_digilocker import sign


def _pushes(app):
    with app.app_context():
        return [(r.event, r.status, r.attempts) for r in
                db.session.scalars(select(Notification).where(Notification.channel == "digilocker")
                                   .order_by(Notification.id))]


def _details(body: bytes) -> dict:
    root = etree.fromstring(body)
    return {child.tag: child.text for child in root.find("UriDetails")}


def test_issue_and_revocation_are_pushed_signed(app, api, push_receiver):
    _, uin = issue(api, "income")
    assert _pushes(app) == [("digilocker_A", "pending", 0)]
    dispatch_due(app)
    assert _pushes(app) == [("digilocker_A", "sent", 1)]
    body, signature = push_receiver.received[0]
    assert signature == sign(body)
    details = _details(body)
    assert {k: details[k] for k in ("Action", "DocType", "DocId", "URI", "IssuedTo")} == {
        "Action": "A", "DocType": "INCER", "DocId": uin, "URI": f"in.gov.wb.pravah-INCER-{uin}",
        "IssuedTo": "Rahima Khatun"}

    assert api.post(f"/api/v1/certificates/{uin}/revoke", json={"reason": "wrong income stated"},
                    user="dm.murshidabad").status_code == 200
    dispatch_due(app)
    assert _pushes(app) == [("digilocker_A", "sent", 1), ("digilocker_D", "sent", 1)]
    assert _details(push_receiver.received[1][0])["Action"] == "D"


def test_a_failed_push_is_retried(app, api, push_receiver):
    app.config["NOTIFY_BACKOFF_SECONDS"] = 0
    push_receiver.statuses = [503, 200]
    issue(api, "income")
    dispatch_due(app)
    assert _pushes(app) == [("digilocker_A", "pending", 1)]
    dispatch_due(app)
    assert _pushes(app) == [("digilocker_A", "sent", 2)]
    assert len(push_receiver.received) == 2 and push_receiver.received[0][0] == push_receiver.received[1][0]


def test_an_add_still_retrying_is_dropped_when_the_certificate_is_revoked(app, api, push_receiver):
    app.config["NOTIFY_BACKOFF_SECONDS"] = 0
    push_receiver.statuses = [503]
    _, uin = issue(api, "income")
    dispatch_due(app)
    assert _pushes(app) == [("digilocker_A", "pending", 1)]
    push_receiver.statuses = [200]
    assert api.post(f"/api/v1/certificates/{uin}/revoke", json={"reason": "duplicate application"},
                    user="dm.murshidabad").status_code == 200
    dispatch_due(app)
    assert _pushes(app) == [("digilocker_A", "expired", 2), ("digilocker_D", "sent", 1)]
    assert [_details(body)["Action"] for body, _ in push_receiver.received] == ["A", "D"]
