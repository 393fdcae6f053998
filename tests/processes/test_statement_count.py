"""SQL statements per officer action: counted on the engine's events (deterministic, unlike timings).

DESIGN.md §11 aims at about 10 statements and one commit per action. What one action costs now:
token, task (with its application and SLA clock), instance lock, the update of the instance, of the
closed item and of its SLA step (no SELECT first), the open items, the application, the new item
INSERTed with its due time and its SLA step, the outbox rows (one INSERT), the audit chain's
previous hash and the audit row; a FIFO service adds its queue check.
"""
import re
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from app.models import Notification, SlaStep, WorkItem
from tests.helpers import submit_residential, task_for
from tests.services.samples import submit

# Measured budgets (the goal of 10 is not reached yet; before this change the same actions took 19-22,
# then the delegation check and the webhook subscriptions added one SELECT each).
ACTION_BUDGET = 17       # send back (income): the notification's audit marker adds a SELECT
FIFO_ACTION_BUDGET = 18  # flow C: the named enquiry officer is checked and then assigned (two user lookups)


@contextmanager
def counting(app):
    seen = {"sql": [], "commit": 0}
    with app.app_context():
        engine = db.engine

    def on_sql(conn, cursor, statement, *_):
        verb = statement.split()[0].upper()
        if verb in ("BEGIN", "SAVEPOINT", "RELEASE"):   # SQLite's BEGIN IMMEDIATE is transaction control
            return
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", statement, re.I)
        seen["sql"].append(f"{verb} {table.group(1) if table else '?'}")

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


def test_flow_c_action_opens_next_task_without_rewriting_it(api, app):
    ain = submit_residential(api)
    seen = _complete(api, app, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert len(seen["sql"]) <= FIFO_ACTION_BUDGET, "\n".join(seen["sql"])
    assert seen["commit"] == 1
    assert seen["sql"].count("UPDATE work_item") == 1, seen["sql"]   # the closed one; the new one is INSERTed with due_at
    with app.app_context():
        opened = db.session.scalars(db.select(WorkItem).where(WorkItem.closed_at.is_(None))).one()
        assert opened.role == "EO" and opened.due_at is not None
        step = db.session.scalar(db.select(SlaStep).where(SlaStep.work_item_id == opened.id))
        assert step.due_at == opened.due_at
        closed = db.session.scalar(db.select(SlaStep).where(SlaStep.done_at.is_not(None)))
        assert closed.officer_id is not None and closed.outcome == "forward_enquiry" and closed.late_seconds == 0
        assert db.session.scalar(db.select(db.func.count(Notification.id))) >= 2
