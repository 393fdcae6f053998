"""What fired timers cost: statements per batch and per timer in a sweep (deterministic, unlike timings).

Before the sweep kept its reference reads (``app/batch_cache.py``), each escalation walked the
location tree one lazy load at a time and looked the same offices and officers up again: 24
statements per timer. Then 13, with one claim and one commit per timer. Now a sweeper claims a batch
of due instances in one statement, reads their applications (with SLA clocks), open work items and
the escalations already raised on those items in one statement each, and commits once per batch.
"""
import os
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import Escalation
from scheduler.sweep import sweep
from tests.processes.test_statement_count import counting
from tests.scheduler.bulk import residential_with_copies

#: UPDATE item, INSERT escalation, audit head, INSERT audit, UPDATE instance, UPDATE application (with the
#: new audit head). The head is on the application row: PostgreSQL reads it with the row's lock
#: (SELECT application … FOR UPDATE, the batch read does not lock); SQLite needs no statement (its
#: transaction holds the database lock). Savepoint and release are not counted.
PER_TIMER = 6 if os.environ.get("PRAVAH_TEST_DATABASE_URL", "").startswith("postgresql") else 5
HEAD_READS = 1 if PER_TIMER == 6 else 0
#: claim (SKIP LOCKED), applications + clocks, open work items, their escalations
PER_BATCH = 4


def _sweep_ten(app, api, batch):
    residential_with_copies(app, api, 9, "T")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2), tick=True):
        with counting(app) as seen, app.app_context():
            result = sweep(app.config, batch=batch)
            db.session.remove()
    assert (result.fired, result.failed) == (10, 0)
    return seen


def test_a_batch_of_timers_costs_four_statements_and_one_commit_plus_six_per_timer(app, api):
    seen = _sweep_ten(app, api, batch=5)
    sql = seen["sql"]
    # two batches of 5, the empty claim, the next-due read, the reference rows read once per sweep
    reference = {t: sum(s == f"SELECT {t}" for s in sql) for t in ("location", "office", "user_account", "posting")}
    # the task office's location, the target office, the office's name; the officers to alert at the
    # task's office and at the target; the ancestors are one WITH RECURSIVE
    assert reference == {"location": 0, "office": 3, "user_account": 2, "posting": 0}, sql
    assert sql.count("WITH up") == 1, "\n".join(sql)
    # two claims of 5, the empty claim, the next-due read
    assert sql.count("SELECT process_instance") == 3 + 1, "\n".join(sql)
    assert [sql.count(f"SELECT {t}") for t in ("application", "work_item", "escalation")] == [
        2 + 10 * HEAD_READS, 2, 2], "\n".join(sql)
    # 2 batches + the empty claim + the next-due read + 6 reference reads + 6 per timer
    assert len(sql) == PER_BATCH * 2 + 1 + 1 + 6 + PER_TIMER * 10, "\n".join(sql)
    assert seen["commit"] == 2 + 1, seen                  # one per batch and the next-due read
    with app.app_context():   # and the escalations are right: one L1 per instance, to the district's DM office
        rows = db.session.execute(select(Escalation.target_role, Escalation.level, func.count())
                                  .group_by(Escalation.target_role, Escalation.level)).all()
        assert rows == [("DM", 1, 10)]
        db.session.remove()


def test_a_bigger_batch_saves_the_claim_and_the_batch_reads(app, api):
    sql = _sweep_ten(app, api, batch=20)["sql"]
    assert sql.count("SELECT process_instance") == 2 + 1 and sql.count("SELECT application") == 1 + 10 * HEAD_READS, "\n".join(sql)
    assert len(sql) == PER_BATCH + 1 + 1 + 6 + PER_TIMER * 10, "\n".join(sql)
