"""SQL statements per officer action: counted on the engine's events (deterministic, unlike timings).

DESIGN.md §11 aims at about 10 statements and one commit per action. What one action costs now:
token; task with its application, SLA clock, the partner's live-webhook flag and the instance, whose
row that same statement locks; the update of the instance, of the closed item and of its SLA step (no
SELECT first), the application, the new item INSERTed with its due time and its SLA step, the outbox
rows (one INSERT), the audit chain's previous hash and the audit row; a FIFO service adds its queue
check. Not read any more: the delegations (the actor's own queue), the instance's other open items
(none was ready besides the task), webhooks (the flag says there are none), the named officer twice.
"""
import re
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from app.models import Notification, SlaStep, WorkItem
from tests.helpers import submit_residential, task_for
from tests.services.samples import submit

# Measured (the goal of 10 is not reached yet): 19-22 at first, 17 and 18 before the last cuts.
ACTION_BUDGET = 13       # send back (income): the notification's audit marker adds a SELECT
FIFO_ACTION_BUDGET = 13  # flow C: the named enquiry officer is checked (and that id assigned, no second look-up)


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
    seen = {"sql": [], "commit": 0}
    with app.app_context():
        engine = db.engine

    def on_sql(conn, cursor, statement, *_):
        verb = statement.split()[0].upper()
        if verb in ("BEGIN", "SAVEPOINT", "RELEASE"):   # SQLite's BEGIN IMMEDIATE is transaction control
            return
        seen["sql"].append(f"{verb} {_main_table(statement)}")

    def on_commit(*_):
        seen["commit"] += 1

    event.listen(engine, "before_cursor_execute", on_sql)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        event.remove(engine, "commit", on_commit)


def _complete(api, app, user, ain, action, **body):
    item = task_for(api, user, ain)
    api.token(user)   # the token is fetched before counting
    with counting(app) as seen:
        r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": action, **body}, user=user)
    assert r.status_code == 200, r.get_json()
    return seen


def test_send_back_without_fifo_stays_within_budget_with_one_commit(api, app):
    ain = submit(api, "income")
    seen = _complete(api, app, "pradhan.raipur", ain, "send_back", remarks="Attach a clear income proof.")
    assert len(seen["sql"]) <= ACTION_BUDGET, "\n".join(seen["sql"])
    assert seen["commit"] == 1
    # outbox rows in one INSERT, SLA step closed by one UPDATE with no SELECT before it
    assert sum(s == "INSERT notification" for s in seen["sql"]) == 1, seen["sql"]
    assert not any(s.startswith("SELECT") and "sla_step" in s for s in seen["sql"]), seen["sql"]
    # nothing read for the own queue's delegations, the applicant's absent webhooks or the open items again
    for table in ("delegation", "webhook"):
        assert f"SELECT {table}" not in seen["sql"], seen["sql"]
    # the task loaded with its instance (locked there), the FIFO check; the open items are not re-read
    assert seen["sql"].count("SELECT work_item") == 2 and "SELECT process_instance" not in seen["sql"], seen["sql"]


def test_flow_c_action_opens_next_task_without_rewriting_it(api, app):
    ain = submit_residential(api)
    seen = _complete(api, app, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert len(seen["sql"]) <= FIFO_ACTION_BUDGET, "\n".join(seen["sql"])
    assert seen["commit"] == 1
    assert seen["sql"].count("UPDATE work_item") == 1, seen["sql"]   # the closed one; the new one is INSERTed with due_at
    assert seen["sql"].count("SELECT user_account") == 1, seen["sql"]   # the enquiry officer, checked once
    with app.app_context():
        opened = db.session.scalars(db.select(WorkItem).where(WorkItem.closed_at.is_(None))).one()
        assert opened.role == "EO" and opened.due_at is not None
        step = db.session.scalar(db.select(SlaStep).where(SlaStep.work_item_id == opened.id))
        assert step.due_at == opened.due_at
        closed = db.session.scalar(db.select(SlaStep).where(SlaStep.done_at.is_not(None)))
        assert closed.officer_id is not None and closed.outcome == "forward_enquiry" and closed.late_seconds == 0
        assert db.session.scalar(db.select(db.func.count(Notification.id))) >= 2
