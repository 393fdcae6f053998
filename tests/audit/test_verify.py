"""``flask audit verify`` walks every chain and names the first broken link."""
from sqlalchemy import select, update

from app.extensions import db
from app.models import Application, AuditEvent
from tests.helpers import act
from tests.services.samples import submit


def _events(app, ain):
    with app.app_context():
        return [(e.id, e.action) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_key == ain).order_by(AuditEvent.id))]



def _remove_and_verify(app, event_id):
    """Delete one audit event behind the application's back, then run ``flask audit verify``."""
    with app.app_context():
        db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.id == event_id))
        db.session.commit()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_an_intact_trail_verifies(api, app):
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "approve")
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "every link holds" in result.output and "Checking audit chains" in result.output


def test_an_edited_row_is_named(api, app):
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "reject", reason="Income proof is unreadable.")
    events = _events(app, ain)
    rejected = next(i for i, action in events if action == "reject")
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.id == rejected).values(remarks="Approved after all"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"audit_event {rejected} (application {ain})" in result.output
    assert "edited" in result.output


def test_a_removed_row_is_named_at_the_next_link(api, app):
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "approve")
    events = _events(app, ain)
    assert [a for _, a in events] == ["submitted", "approve"]
    removed, following = events[0][0], events[1][0]
    result = _remove_and_verify(app, removed)
    assert result.exit_code == 1
    assert f"audit_event {following} (application {ain})" in result.output and "removed" in result.output


def test_the_audit_trail_shows_old_and_new_values(api, app):
    ain = submit(api, "income")
    item = api.get("/api/v1/inbox", user="pradhan.raipur").get_json()["items"][0]
    assert item["ain"] == ain
    api.post(f"/api/v1/tasks/{item['id']}/claim", user="pradhan.raipur")
    act(api, "pradhan.raipur", ain, "send_back", remarks="Give the ward number.")
    form = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()["data"]
    r = api.post(f"/api/v1/applications/{ain}/resubmit", user="operator.raipur",
                 json={"data": {**form, "address": "Village Raipur, ward 4"}})
    assert r.status_code == 200, r.get_json()
    body = api.get(f"/api/v1/applications/{ain}/audit", user="bdo.domkal").get_json()
    assert body["chain_intact"] is True
    by_action = {e["action"]: e for e in body["items"]}
    assert (by_action["claimed"]["before"], by_action["claimed"]["after"]) == (
        {"assignee": None}, {"assignee": "pradhan.raipur"})
    assert by_action["send_back"]["before"]["status"] == "SUBMITTED"
    assert by_action["send_back"]["after"]["status"] == "SENT_BACK"
    assert by_action["resubmitted"]["before"] == {"address": form["address"]}
    assert by_action["resubmitted"]["after"] == {"address": "Village Raipur, ward 4"}
    assert api.get(f"/api/v1/applications/{ain}/audit", user="operator.raipur").status_code == 403
    assert api.get(f"/api/v1/applications/{ain}/audit", user="bdo.barasat1").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}/audit", user="admin.state").get_json()["chain_intact"] is True
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.id == by_action["claimed"]["id"])
                           .values(actor="someone.else"))
        db.session.commit()
    assert api.get(f"/api/v1/applications/{ain}/audit", user="admin.state").get_json()["chain_intact"] is False


def test_removing_the_last_events_is_caught_by_the_head_on_the_application(api, app):
    """A chain cut short links perfectly; the head kept on the application row still names the event
    that was removed, so both ``flask audit verify`` and the trail page see it."""
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "approve")
    events = _events(app, ain)
    kept, removed = events[-2][0], events[-1][0]
    result = _remove_and_verify(app, removed)
    assert result.exit_code == 1
    assert f"audit_event {kept} (application {ain})" in result.output and "head" in result.output
    assert api.get(f"/api/v1/applications/{ain}/audit", user="admin.state").get_json()["chain_intact"] is False


def test_a_changed_head_is_named(api, app):
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "approve")
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(update(Application).where(Application.ain == ain).values(audit_head="0" * 64))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"audit_event {_events(app, ain)[-1][0]} (application {ain})" in result.output
    assert "head" in result.output
