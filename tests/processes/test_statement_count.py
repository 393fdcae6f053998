"""SQL statements per officer action: counted on the engine's events (deterministic, unlike timings).

DESIGN.md §11 aims at about 10 statements and one commit per action; issue 15 asks for at most 10 and
one flush. What one action costs now: token; task with its application, SLA clock, the partner's
live-webhook flag and the instance, whose row and the application's that same statement locks, and
the checks (the FIFO queue's older item, the named officers' postings) as subqueries of it; the
update of the instance and of the closed item's SLA step (no SELECT first); the outbox rows (one
INSERT); then ONE flush: the closed item, the application (status, stage and the audit chain's new
head together), the new item with its due time and its SLA step, the audit row. Not read any more:
the audit chain's head (kept on the application row), the notification's audit marker (the head
again), the delegations (the actor's own queue), the instance's other open items, webhooks (the flag
says there are none), the named officer separately, the FIFO queue separately.
"""
import re
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.audit.operations import verify_chain
from app.models import Application, AuditEvent, Notification, SlaStep, WorkItem
from tests.helpers import act, submit_residential, task_for
from tests.services.samples import submit

# Measured: 19-22 at first, 17 and 18, then 13 before the audit head moved onto the application row.
SEND_BACK = 10   # income (FIFO): the clock pauses for the citizen (UPDATE sla_clock), no SLA step opens
FORWARD = 10     # flow C to the enquiry officer named in the form: an SLA step opens with the item
DECIDE = 9       # income, reject: the process ends (no item opens, no certificate); paid fees are looked up


def _main_table(statement: str) -> str:
    """The table after the statement's own FROM/INTO/UPDATE (not one inside a subquery)."""
    depth = 0
    for i, ch in enumerate(statement):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            found = re.match(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", statement[i:], re.I)
            if found and (i == 0 or not statement[i - 1].isalnum() and statement[i - 1] != "_"):
                return found.group(1)
    return "?"


@contextmanager
def counting(app):
    seen = {"sql": [], "commit": 0, "flush": 0}
    with app.app_context():
        engine = db.engine

    def on_sql(conn, cursor, statement, *_):
        verb = statement.split()[0].upper()
        if verb in ("BEGIN", "SAVEPOINT", "RELEASE"):   # SQLite's BEGIN IMMEDIATE is transaction control
            return
        seen["sql"].append(f"{verb} {_main_table(statement)}")

    def on_commit(*_):
        seen["commit"] += 1

    def on_flush(*_):
        seen["flush"] += 1

    event.listen(engine, "before_cursor_execute", on_sql)
    event.listen(engine, "commit", on_commit)
    event.listen(Session, "after_flush", on_flush)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        event.remove(engine, "commit", on_commit)
        event.remove(Session, "after_flush", on_flush)


def _complete(api, app, user, ain, action, **body):
    item = task_for(api, user, ain)
    api.token(user)   # the token is fetched before counting
    with counting(app) as seen:
        r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": action, **body}, user=user)
    assert r.status_code == 200, r.get_json()
    return seen


def _one_write_each(seen):
    """One flush and one commit; the application row written once (its new audit head with it), the
    outbox and the audit trail one INSERT each, and the chain's head never read from the trail."""
    assert seen["commit"] == 1 and seen["flush"] == 1, seen
    assert seen["sql"].count("UPDATE application") == 1, seen["sql"]
    assert seen["sql"].count("INSERT notification") == 1, seen["sql"]
    assert seen["sql"].count("INSERT audit_event") == 1, seen["sql"]
    assert "SELECT audit_event" not in seen["sql"], seen["sql"]


def _head_is_last_event(app, ain):
    with app.app_context():
        head = db.session.scalar(db.select(Application.audit_head).where(Application.ain == ain))
        last = db.session.scalar(db.select(AuditEvent.hash).where(AuditEvent.object_key == ain)
                                 .order_by(AuditEvent.id.desc()).limit(1))
        assert head == last and head is not None
        assert verify_chain("application", ain)


def test_send_back_costs_ten_statements_and_one_flush(api, app):
    ain = submit(api, "income")
    seen = _complete(api, app, "pradhan.raipur", ain, "send_back", remarks="Attach a clear income proof.")
    assert len(seen["sql"]) == SEND_BACK, "\n".join(seen["sql"])
    _one_write_each(seen)
    # SLA step closed by one UPDATE with no SELECT before it
    assert not any(s.startswith("SELECT") and "sla_step" in s for s in seen["sql"]), seen["sql"]
    # nothing read for the own queue's delegations, the applicant's absent webhooks or the open items again
    for table in ("delegation", "webhook"):
        assert f"SELECT {table}" not in seen["sql"], seen["sql"]
    # the task loaded with its instance (locked there) and the FIFO check in the same statement
    assert seen["sql"].count("SELECT work_item") == 1 and "SELECT process_instance" not in seen["sql"], seen["sql"]
    _head_is_last_event(app, ain)


def test_flow_c_action_opens_next_task_without_rewriting_it(api, app):
    ain = submit_residential(api)
    seen = _complete(api, app, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert len(seen["sql"]) == FORWARD, "\n".join(seen["sql"])
    _one_write_each(seen)
    assert seen["sql"].count("UPDATE work_item") == 1, seen["sql"]   # the closed one; the new one is INSERTed with due_at
    assert "SELECT user_account" not in seen["sql"], seen["sql"]   # the enquiry officer, checked with the task
    with app.app_context():
        opened = db.session.scalars(db.select(WorkItem).where(WorkItem.closed_at.is_(None))).one()
        assert opened.role == "EO" and opened.due_at is not None
        assert opened.assignee.username == "eo.domkal"
        step = db.session.scalar(db.select(SlaStep).where(SlaStep.work_item_id == opened.id))
        assert step.due_at == opened.due_at
        closed = db.session.scalar(db.select(SlaStep).where(SlaStep.done_at.is_not(None)))
        assert closed.officer_id is not None and closed.outcome == "forward_enquiry" and closed.late_seconds == 0
        assert db.session.scalar(db.select(db.func.count(Notification.id))) >= 2
    _head_is_last_event(app, ain)


def test_a_decision_without_certificate_costs_nine(api, app):
    ain = submit(api, "income")
    seen = _complete(api, app, "pradhan.raipur", ain, "reject", reason="The income proof is for another person.")
    assert len(seen["sql"]) == DECIDE, "\n".join(seen["sql"])
    _one_write_each(seen)
    assert "INSERT work_item" not in seen["sql"] and "SELECT payment" in seen["sql"], seen["sql"]
    _head_is_last_event(app, ain)


def test_a_named_officer_of_another_role_is_refused(api, app):
    """The postings read with the task are per role: a BDO named as the enquiry officer is refused."""
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", user="bdo.domkal",
                 json={"action": "forward_enquiry", "data": {"enquiry_officer": "bdo.domkal"}})
    assert r.status_code == 422, r.get_json()
    assert "data.enquiry_officer" in r.get_json()["error"]["fields"]
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})


def test_an_inbox_page_reads_its_actions_without_the_versions_forms_again(api, app):
    submit_residential(api)
    api.token("bdo.domkal")
    first = api.get("/api/v1/inbox?per_page=5", user="bdo.domkal")
    assert first.status_code == 200
    with counting(app) as seen:
        r = api.get("/api/v1/inbox?per_page=5", user="bdo.domkal")
    assert r.status_code == 200
    assert r.get_json()["items"][0]["actions"] == first.get_json()["items"][0]["actions"]
    with app.app_context():   # what the task's form in its version lists
        item = db.session.get(WorkItem, r.get_json()["items"][0]["id"])
        form = item.application.instance.version.forms[item.form_key]
        expected = [a["key"] for a in form["x-actions"]]
    assert r.get_json()["items"][0]["actions"] == expected and len(expected) >= 2
    # The page's versions and hashes in one statement; their forms were read by the first page only.
    assert "SELECT process_version" not in seen["sql"], seen["sql"]
    # token, delegations, count, page, the page's versions
    assert len(seen["sql"]) == 5 and seen["sql"].count("SELECT work_item") == 2, seen["sql"]


def test_a_submission_reads_the_place_and_its_parents_once(api, app):
    """And nothing a new application cannot have yet: its four documents in one statement, its version
    once, no SLA clock or open items read back."""
    from tests.helpers import residential_payload
    payload = residential_payload(api, "operator.csc-domkal")
    with counting(app) as seen:
        r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
    assert r.status_code == 201, r.get_json()
    # GP → block → subdivision → district → state in one statement: the SLA calendar, the office and
    # the district's holidays walk up from it without reading a place one by one
    assert [s for s in seen["sql"] if "location" in s] == ["WITH location"], seen["sql"]
    assert len(payload["documents"]) == 4 and seen["sql"].count("SELECT document") == 1, seen["sql"]
    assert seen["sql"].count("SELECT process_version") == 1, seen["sql"]
    for table in ("sla_clock", "work_item"):
        assert f"SELECT {table}" not in seen["sql"], seen["sql"]
    with app.app_context():
        application = db.session.scalar(db.select(Application).where(Application.ain == r.get_json()["ain"]))
        assert [p.level for p in application.location.ancestors()] == ["GP", "BLOCK", "SUBDIVISION", "DISTRICT",
                                                                        "STATE"]
