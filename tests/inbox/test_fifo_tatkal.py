"""Inbox order and FIFO: Tatkal first, then oldest first; acting out of turn needs a reason."""

from tests.helpers import task_for
from tests.services.samples import inbox_ains, submit


def complete(api, user, ain, **body):
    item = task_for(api, user, ain)
    return api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "approve", **body}, user=user)


def test_acting_on_the_newer_application_needs_a_reason(api):
    older = submit(api, "income")
    newer = submit(api, "income")
    assert inbox_ains(api, "pradhan.raipur") == [older, newer]
    r = complete(api, "pradhan.raipur", newer)
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "fifo_violation"
    assert error["older_ain"] == older and older in error["message"]
    assert api.get(f"/api/v1/applications/{newer}", user="operator.raipur").get_json()["status"] == "SUBMITTED"

    r = complete(api, "pradhan.raipur", newer, fifo_override_reason="Applicant's scholarship deadline is today.")
    assert r.status_code == 200, r.get_json()
    history = api.get(f"/api/v1/applications/{newer}/history", user="operator.raipur").get_json()["items"]
    assert history[-1]["action"] == "approve"
    assert history[-1]["fifo_override_reason"] == "Applicant's scholarship deadline is today."
    assert complete(api, "pradhan.raipur", older).status_code == 200


def test_fifo_is_per_service_and_per_office(api):
    income = submit(api, "income")
    age = submit(api, "age")            # age does not enforce FIFO
    other_gp = submit(api, "income", lgd_code="131002")
    assert complete(api, "pradhan.raipur", age).status_code == 200
    assert complete(api, "pradhan.garaimari", other_gp).status_code == 200
    assert complete(api, "pradhan.raipur", income).status_code == 200


def test_tatkal_lists_first_and_counts_as_older(api):
    normal = submit(api, "income")
    urgent = submit(api, "income", tatkal=True)
    assert inbox_ains(api, "pradhan.raipur") == [urgent, normal]
    items = api.get("/api/v1/inbox", user="pradhan.raipur").get_json()["items"]
    assert [i["tatkal"] for i in items] == [True, False]
    r = complete(api, "pradhan.raipur", normal)
    assert r.status_code == 409 and r.get_json()["error"]["older_ain"] == urgent
    assert complete(api, "pradhan.raipur", urgent).status_code == 200
    assert complete(api, "pradhan.raipur", normal).status_code == 200


def test_tatkal_is_ignored_where_the_service_does_not_offer_it(api):
    first = submit(api, "age")
    second = submit(api, "age", tatkal=True)
    items = api.get("/api/v1/inbox", user="pradhan.raipur").get_json()["items"]
    assert [(i["ain"], i["tatkal"]) for i in items] == [(first, False), (second, False)]


def test_an_older_task_someone_else_holds_does_not_block(app, api):
    """A DM who took over the older application (or a colleague who claimed it) holds it: it is not
    waiting for this officer, so FIFO must not make them wait for it (issue 14, defect 6)."""
    from app.extensions import db
    from app.models import User, WorkItem
    older = submit(api, "income")
    newer = submit(api, "income")
    held = task_for(api, "pradhan.raipur", older)
    with app.app_context():
        item = db.session.get(WorkItem, held["id"])
        item.assignee_id = db.session.query(User).filter_by(username="dm.murshidabad").one().id
        db.session.commit()
    assert inbox_ains(api, "pradhan.raipur") == [newer]
    r = complete(api, "pradhan.raipur", newer)
    assert r.status_code == 200, r.get_json()
