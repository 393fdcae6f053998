"""What one fired timer costs: statements per timer in a sweep (deterministic, unlike timings).

Before the sweep kept its reference reads (``app/batch_cache.py``), each escalation walked the
location tree one lazy load at a time and looked the same offices and officers up again: 24
statements per timer. Now the office's location, its ancestors (one recursive query), the target
office and the officers to alert are read once per sweep.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app.extensions import db
from app.models import Escalation
from scheduler.sweep import sweep
from tests.helpers import submit_residential
from tests.processes.test_statement_count import counting
from tests.scheduler.bulk import clone

PER_TIMER = 13   # claim, savepoint, application+clock, item, escalation check, 2 writes, audit hash+row,
                 # instance, open items, application, release


def test_a_sweep_reads_reference_rows_once_not_per_timer(app, api):
    import time_machine
    ain = submit_residential(api)
    with app.app_context():
        clone(ain, 9, prefix="T")
        db.session.commit()
        db.session.remove()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2), tick=True):
        with counting(app) as seen, app.app_context():
            result = sweep(app.config)
            db.session.remove()
    assert (result.fired, result.failed) == (10, 0)
    per_timer = (len(seen["sql"]) - 2) / 10          # less the due-list and the next-due reads
    assert per_timer <= PER_TIMER + 0.5, "\n".join(seen["sql"])
    reference = {t: sum(s == f"SELECT {t}" for s in seen["sql"]) for t in ("location", "office", "user_account", "posting")}
    # once per sweep: the task office's location, the target office, the office's name; the officers to alert
    # at the task's office and at the target; the ancestors are one WITH RECURSIVE
    assert reference == {"location": 0, "office": 3, "user_account": 2, "posting": 0}, seen["sql"]
    assert seen["sql"].count("WITH up") == 1, "\n".join(seen["sql"])
    with app.app_context():   # and the escalations are right: one L1 per instance, to the district's DM office
        rows = db.session.execute(select(Escalation.target_role, Escalation.level, func.count())
                                  .group_by(Escalation.target_role, Escalation.level)).all()
        assert rows == [("DM", 1, 10)]
        db.session.remove()
