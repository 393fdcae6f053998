"""Issue 16's officer pages: one decision on many tasks from the inbox (per item, failures reported,
the rest going on) and an application's audit trail with old and new values."""
import re

from sqlalchemy import text as sql

from app.extensions import db
from tests.helpers import act, task_for
from tests.services.samples import submit

from .conftest import text

PRADHAN = "pradhan.raipur"


def _ids(api, ains):
    return [str(task_for(api, PRADHAN, ain)["id"]) for ain in ains]


def _rows(html: str) -> list[tuple[str, str, str]]:
    """``(AIN, outcome, message)`` of the result table."""
    return re.findall(r'<tr data-item="\d+" data-ain="([^"]+)"[^>]*>\s*<td>[^<]*</td>\s*'
                      r'<td class="outcome">([^<]*)</td>\s*<td class="message">([^<]*)</td>', html)


def test_inbox_offers_the_ticked_tasks_and_refuses_mixed_steps(api, pages):
    income, age = submit(api, "income"), submit(api, "age")
    inbox = text(pages.get("/officer/inbox", user=PRADHAN))
    assert 'form="bulk-form" name="ids"' in inbox and 'id="bulk-choose"' in inbox
    r = pages.post("/officer/bulk", data={"ids": _ids(api, [income, age])}, user=PRADHAN)
    assert r.status_code == 302 and r.headers["Location"].endswith("/officer/inbox")
    assert "different steps" in text(pages.get("/officer/inbox", user=PRADHAN))
    assert api.get(f"/api/v1/track/{income}").get_json()["status"] == "SUBMITTED"
    r = pages.post("/officer/bulk", data={"ids": []}, user=PRADHAN)
    assert r.status_code == 302
    r = pages.get("/officer/bulk", user=PRADHAN)               # the language switch reloads the page
    assert r.status_code == 302 and r.headers["Location"].endswith("/officer/inbox")
    other = submit(api, "income", lgd_code="131002")            # Garaimari's task: not Raipur's
    r = pages.post("/officer/bulk", data={"ids": _ids(api, [income]) +
                                          [str(task_for(api, "pradhan.garaimari", other)["id"])]}, user=PRADHAN)
    assert r.status_code == 403                                  # as on that task's own page


def test_the_decision_needs_the_reason_the_single_task_page_needs(api, pages):
    ids = _ids(api, [submit(api, "income"), submit(api, "income")])
    page = text(pages.post("/officer/bulk", data={"ids": ids}, user=PRADHAN))
    assert re.findall(r'name="action" value="(\w+)"', page) == ["approve", "reject", "send_back"]
    r = pages.post("/officer/bulk", data={"ids": ids, "phase": "check", "action": "reject"}, user=PRADHAN)
    assert r.status_code == 422 and "Write the reason." in text(r)
    r = pages.post("/officer/bulk", data={"ids": ids, "phase": "check"}, user=PRADHAN)
    assert r.status_code == 422 and "Choose a decision." in text(r)


def test_bulk_approval_runs_each_task_and_reports_the_one_changed_meanwhile(api, pages):
    ains = [submit(api, "income") for _ in range(4)]
    ids = _ids(api, list(reversed(ains)))                          # ticked in any order: run oldest first
    form = {"ids": ids, "action": "approve", "remarks": "Checked in the weekly camp."}
    ready = pages.post("/officer/bulk", data={**form, "phase": "check"}, user=PRADHAN)
    assert ready.status_code == 200 and 'id="bulk-start"' in text(ready)
    assert [a for a, _o, _m in _rows(text(ready))] == ains
    act(api, PRADHAN, ains[2], "approve", fifo_override_reason="Done at the counter.")   # changed under them
    done = pages.post("/officer/bulk", data={**form, "phase": "run"}, user=PRADHAN)
    assert done.status_code == 200
    rows = _rows(text(done))
    assert [(a, o) for a, o, _m in rows] == [(ains[0], "Done"), (ains[1], "Done"), (ains[2], "Not done"),
                                             (ains[3], "Done")]
    assert rows[2][2] == "Someone has already acted on this task."
    assert "Finished: 3 done, 1 not done." in text(done)
    for ain in ains:
        detail = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()
        assert detail["status"] == "DELIVERED" and len(detail["certificate"]["uin"]) == 16
    history = api.get(f"/api/v1/applications/{ains[0]}/history", user="operator.raipur").get_json()["items"]
    assert [h["remarks"] for h in history if h["action"] == "approve"] == ["Checked in the weekly camp."]


def test_one_item_at_a_time_answers_json_and_keeps_fifo(api, pages, app):
    older, newer = submit(api, "income"), submit(api, "income")
    age = submit(api, "age")
    item = task_for(api, PRADHAN, newer)
    with app.app_context():
        service_id = db.session.execute(sql("SELECT service_id FROM application WHERE ain = :a"), {"a": newer}).scalar()
    base = {"service_id": service_id, "step": item["task"]["key"], "action": "approve"}
    r = pages.post("/officer/bulk/item", data={**base, "id": item["id"]}, user=PRADHAN)
    assert r.status_code == 200
    assert r.get_json() == {"id": item["id"], "ok": False, "outcome": "Not done", "message": (
        f"Application {older} has been waiting longer in this queue. Act on it first, or give a reason "
        "for taking this one out of turn.")}
    r = pages.post("/officer/bulk/item", data={**base, "id": task_for(api, PRADHAN, age)["id"]}, user=PRADHAN)
    assert r.get_json()["ok"] is False
    assert r.get_json()["message"] == "This task is not at the same step as the others; act on it on its own."
    r = pages.post("/officer/bulk/item", data={**base, "id": item["id"], "fifo_override_reason": "Camp day."},
                   user=PRADHAN)
    assert r.get_json()["ok"] is True and r.get_json()["ain"] == newer
    assert api.get(f"/api/v1/track/{newer}").get_json()["status"] == "DELIVERED"
    assert api.get(f"/api/v1/track/{older}").get_json()["status"] == "SUBMITTED"


def test_audit_page_shows_before_and_after_and_a_broken_chain(api, pages, app):
    ain = submit(api, "income")
    act(api, PRADHAN, ain, "approve", remarks="Seen the papers.")
    detail = text(pages.get(f"/applications/{ain}", user=PRADHAN))
    assert f'href="/officer/applications/{ain}/audit" id="audit-link"' in detail
    assert 'id="audit-link"' not in text(pages.get(f"/applications/{ain}", user="operator.raipur"))

    page = text(pages.get(f"/officer/applications/{ain}/audit", user=PRADHAN))
    assert 'id="chain-banner" data-intact="1"' in page
    approve = re.search(r'<tr id="audit-\d+" data-action="approve">(.*?)</tr>', page, re.S).group(1)
    assert PRADHAN in approve and "Seen the papers." in approve
    changes = dict(re.findall(r'<dt>([^<]+)</dt><dd><span class="before">[^<]*</span> → '
                              r'<span class="after">([^<]*)</span>', approve))
    befores = dict(re.findall(r'<dt>([^<]+)</dt><dd><span class="before">([^<]*)</span>', approve))
    assert befores["Status"] == "Submitted" and changes["Status"] == "Certificate issued"

    assert pages.get(f"/officer/applications/{ain}/audit", user="admin.state").status_code == 200
    assert pages.get(f"/officer/applications/{ain}/audit", user="pradhan.garaimari").status_code == 404
    assert pages.get(f"/officer/applications/{ain}/audit", user="operator.raipur").status_code == 403

    pages.post("/language", data={"lang": "bn", "next": "/"}, user=PRADHAN)
    bengali = text(pages.get(f"/officer/applications/{ain}/audit", user=PRADHAN))
    assert "অডিট" in bengali and "অনুমোদিত" in bengali

    with app.app_context():
        db.session.execute(sql("UPDATE audit_event SET remarks = 'Nothing seen.' WHERE object_key = :a "
                               "AND action = 'approve'"), {"a": ain})
        db.session.commit()
    assert 'id="chain-banner" data-intact="0"' in text(pages.get(f"/officer/applications/{ain}/audit",
                                                                  user=PRADHAN))


def test_audit_page_names_whom_a_delegate_acted_for(api, app):
    from tests.inbox.test_delegation import DELEGATIONS, _at
    from .conftest import Pages
    with _at(9, api):
        ain = submit(api, "income")
        r = api.post(DELEGATIONS, json={"to": "pradhan.garaimari", "starts_on": "2026-03-10", "ends_on": "2026-03-12"},
                     user=PRADHAN)
        assert r.status_code == 201, r.get_json()
    with _at(10, api):
        act(api, "pradhan.garaimari", ain, "approve")
        page = text(Pages(app).get(f"/officer/applications/{ain}/audit", user=PRADHAN))
    approve = re.search(r'<tr id="audit-\d+" data-action="approve">(.*?)</tr>', page, re.S).group(1)
    assert "pradhan.garaimari (PRADHAN)" in approve
    assert '<small class="on-behalf">on behalf of pradhan.raipur</small>' in approve
