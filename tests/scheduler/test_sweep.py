"""The sweep: one failing instance is backed off and recorded while the others fire; jobs and locks."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import engine
from app.extensions import db
from app.models import Application, Escalation, Location, ProcessInstance, WorkItem
from scheduler import jobs, runner
from scheduler.leader import LeaderLock
from scheduler.sweep import BACKOFF_BASE_SECONDS, backoff_seconds
from tests.helpers import submit_residential
from tests.scheduler.bulk import clone, residential_with_copies
from tests.sla.sla_helpers import Clock, escalations, ist, run_sweep

ROOT = Path(__file__).resolve().parents[2]
MONDAY = ist(2026, 1, 5, 10, 0)
PG_URL = os.environ.get("PRAVAH_TEST_DATABASE_URL", "")


def test_a_raising_escalation_is_backed_off_without_blocking_the_others(app, api, monkeypatch):
    real = engine.registry.get_service("escalate")
    with Clock(api, MONDAY) as clock:
        ains = [submit_residential(api) for _ in range(3)]
        broken = ains[1]

        def flaky(call):
            if call.context.application.ain == broken:
                raise RuntimeError("SMS gateway exploded")
            return real(call)
        monkeypatch.setitem(engine.registry._REGISTRY, "escalate", flaky)
        clock.to(ist(2026, 1, 6, 10, 1))
        result = run_sweep(app)
        assert (result.fired, result.failed) == (2, 1)
        assert [len(escalations(app, a)) for a in ains] == [1, 0, 1]
        with app.app_context():
            instance = db.session.scalar(select(ProcessInstance).join(
                Application, Application.process_instance_id == ProcessInstance.id).where(Application.ain == broken))
            assert instance.timer_failures == 1 and "SMS gateway exploded" in instance.last_error
            assert instance.next_timer_at == ist(2026, 1, 6, 10, 1) + timedelta(seconds=BACKOFF_BASE_SECONDS)
            db.session.remove()
        assert run_sweep(app).failed == 0             # backed off: not retried at once
        clock.to(ist(2026, 1, 6, 10, 2))
        assert run_sweep(app).failed == 1             # still broken: the second failure waits longer
        monkeypatch.setitem(engine.registry._REGISTRY, "escalate", real)
        clock.to(ist(2026, 1, 6, 10, 5))
        assert run_sweep(app).fired == 1
        assert len(escalations(app, broken)) == 1
        with app.app_context():
            instance = db.session.scalar(select(ProcessInstance).join(
                Application, Application.process_instance_id == ProcessInstance.id).where(Application.ain == broken))
            assert instance.timer_failures == 0 and instance.last_error is None
            db.session.remove()


def test_backoff_doubles_up_to_a_cap():
    assert [backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff_seconds(50) == 6 * 3600


def test_jobs_are_one_line_to_add_and_run_with_the_safe_options(app):
    assert [j.id for j in jobs.JOBS][:1] == ["timer_sweep"]
    calls = []
    jobs.register("probe", lambda a: calls.append(a), seconds=60)
    try:
        scheduler = runner.build_scheduler(app)
        by_id = {j.id: j for j in scheduler.get_jobs()}
        assert set(by_id) >= {"timer_sweep", "probe"}
        for job in by_id.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
        assert by_id["timer_sweep"].trigger.interval == timedelta(seconds=app.config["TIMER_SWEEP_SECONDS"])
    finally:
        jobs.JOBS[:] = [j for j in jobs.JOBS if j.id != "probe"]


def test_no_scheduler_in_process_under_testing(app):
    assert runner.start_in_process(app) is None


def test_file_leader_lock_admits_one(tmp_path):
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "DATA_DIR": tmp_path}
    first, second = LeaderLock(config), LeaderLock(config)
    assert first.acquire() is True and first.held()
    assert second.acquire() is False
    first.release()
    assert second.acquire() is True
    second.release()


@pytest.mark.postgres_only
@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="needs PostgreSQL (PRAVAH_TEST_DATABASE_URL)")
def test_four_sweeper_processes_escalate_2000_instances_exactly_once(app, api):
    """2,000 due instances, 10 of which cannot be escalated; 4 `flask scheduler sweep` processes at once."""
    ain = submit_residential(api)
    with app.app_context():
        orphan = Location(lgd_code="999999", name="Nowhere", level="GP")
        db.session.add(orphan)
        db.session.flush()
        ids = clone(ain, 2000, prefix="P")
        broken = ids[:10]      # no office above them has a DM: their escalation raises
        db.session.execute(WorkItem.__table__.update().where(WorkItem.instance_id.in_(broken)).values(office_id=None))
        db.session.execute(Application.__table__.update().where(Application.process_instance_id.in_(broken))
                           .values(location_id=orphan.id))
        db.session.commit()
        db.session.remove()
    env = dict(os.environ, FLASK_APP="wsgi.py", PRAVAH_ENV="development", DATABASE_URL=PG_URL,
               PRAVAH_DATA_DIR=str(app.config["DATA_DIR"]))
    # the timers (cached in each state) are due a day after submission: the sweepers run two days ahead
    code = ("import time_machine, datetime as d\n"
            "t = time_machine.travel(d.datetime.now(d.timezone.utc) + d.timedelta(days=2), tick=True); t.start()\n"
            "from app import create_app\nfrom app.extensions import db\nfrom scheduler.sweep import sweep\n"
            "app = create_app()\nwith app.app_context():\n    r = sweep(app.config)\n"
            "    print(r.fired, r.failed, r.skipped)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-600:] for o in outs]
    counts = [tuple(int(x) for x in o[0].split()) for o in outs]
    assert sum(c[0] for c in counts) == 2001 - 10 and sum(c[1] for c in counts) == 10, counts
    assert sum(1 for c in counts if c[0]) >= 2, counts          # the work was shared
    with app.app_context():
        per_item = db.session.execute(select(Escalation.work_item_id, func.count()).group_by(
            Escalation.work_item_id)).all()
        assert len(per_item) == 2001 - 10 and {n for _, n in per_item} == {1}
        failed = db.session.execute(select(ProcessInstance.timer_failures, ProcessInstance.last_error)
                                    .where(ProcessInstance.id.in_(broken))).all()
        assert {f for f, _ in failed} == {1} and all("cannot be escalated" in e for _, e in failed)
        db.session.remove()


@pytest.mark.postgres_only
@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="needs PostgreSQL (PRAVAH_TEST_DATABASE_URL)")
def test_sweeper_threads_share_a_burst_and_fire_each_timer_once(app, api):
    """300 instances due at once; one scheduler run with 3 sweeper threads (TIMER_SWEEPERS)."""
    import time_machine
    from datetime import datetime, timezone

    from scheduler.sweep import sweep_parallel
    residential_with_copies(app, api, 299, "T")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2), tick=True):
        result = sweep_parallel(app, 3)
    assert (result.fired, result.failed) == (300, 0)
    with app.app_context():
        per_item = db.session.execute(select(Escalation.work_item_id, func.count()).group_by(
            Escalation.work_item_id)).all()
        assert len(per_item) == 300 and {n for _, n in per_item} == {1}
        db.session.remove()


def test_one_sweeper_on_sqlite_whatever_the_setting(app, api):
    """SQLite serialises writers: sweep_parallel falls back to one sweep there (no threads)."""
    import time_machine
    from datetime import datetime, timezone

    from scheduler.sweep import sweep_parallel
    if PG_URL.startswith("postgres"):
        pytest.skip("the SQLite fallback")
    ain = submit_residential(api)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2), tick=True):
        result = sweep_parallel(app, 4)
    assert (result.fired, result.failed) == (1, 0)
    assert [e["level"] for e in escalations(app, ain)] == [1]


def test_one_failing_timer_in_a_batch_is_rolled_back_alone_and_the_rest_fire_once(app, api, monkeypatch):
    """Ten instances in one claimed batch; the fourth writes its escalation and then raises."""
    import time_machine
    from datetime import datetime, timezone

    from scheduler.sweep import sweep
    from tests.processes.test_statement_count import counting
    real = engine.registry.get_service("escalate")
    ain = submit_residential(api)
    with app.app_context():
        ids = [db.session.scalar(select(Application.process_instance_id).where(Application.ain == ain))]
        ids += clone(ain, 9, prefix="F")
        db.session.commit()
        broken_app = db.session.scalar(select(Application.ain).where(Application.process_instance_id == ids[3]))
        db.session.remove()

    def writes_then_raises(call):
        real(call)                      # the escalation, its audit row and alerts are written …
        if call.context.application.ain == broken_app:
            raise RuntimeError("alert gateway exploded")   # … and must go with the savepoint
    monkeypatch.setitem(engine.registry._REGISTRY, "escalate", writes_then_raises)
    later = datetime.now(timezone.utc) + timedelta(days=2)
    with time_machine.travel(later, tick=True):
        with counting(app) as seen:
            result = run_sweep(app)
        assert run_sweep(app).fired == 0          # nothing fires twice; the failed one is backed off
    assert (result.fired, result.failed) == (9, 1) and list(result.failures) == [ids[3]]
    assert seen["sql"].count("SELECT process_instance") == 2 + 1 and seen["commit"] == 1 + 1   # one batch
    with app.app_context():
        per_instance = dict(db.session.execute(select(WorkItem.instance_id, func.count(Escalation.id))
                                               .join(Escalation, Escalation.work_item_id == WorkItem.id)
                                               .group_by(WorkItem.instance_id)).all())
        assert per_instance == {i: 1 for i in ids if i != ids[3]}
        failures, error, due = db.session.execute(select(
            ProcessInstance.timer_failures, ProcessInstance.last_error, ProcessInstance.next_timer_at)
            .where(ProcessInstance.id == ids[3])).one()
        assert failures == 1 and "alert gateway exploded" in error and due > later
        db.session.remove()
    assert escalations(app, broken_app) == []


@pytest.mark.postgres_only
@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="needs PostgreSQL (PRAVAH_TEST_DATABASE_URL)")
def test_a_pool_of_sweeper_processes_drains_a_burst_due_now_exactly_once(app, api):
    """What `flask scheduler run` starts with PRAVAH_TIMER_SWEEP_PROCESSES: children that build the app
    from the environment, sleep until the next due timer and sweep (no time travel: due in real time)."""
    import time
    from datetime import datetime, timezone

    from app.models import SlaStep
    from scheduler.sweepers import SweeperPool
    ain = submit_residential(api)
    with app.app_context():
        source = db.session.scalar(select(Application.process_instance_id).where(Application.ain == ain))
        ids = [source] + clone(ain, 199, prefix="S")
        old_due = db.session.scalar(select(WorkItem.due_at).where(WorkItem.instance_id == source))
        due = datetime.now(timezone.utc) + timedelta(seconds=3)
        db.session.execute(ProcessInstance.__table__.update().where(ProcessInstance.id.in_(ids)).values(
            state=func.replace(ProcessInstance.state, old_due.isoformat(), due.isoformat()), next_timer_at=due))
        db.session.execute(WorkItem.__table__.update().where(WorkItem.instance_id.in_(ids)).values(due_at=due))
        db.session.execute(SlaStep.__table__.update().where(SlaStep.work_item_id.in_(
            select(WorkItem.id).where(WorkItem.instance_id.in_(ids)))).values(due_at=due))
        db.session.commit()
        db.session.remove()
    env = dict(os.environ, PRAVAH_ENV="development", DATABASE_URL=PG_URL, PRAVAH_DATA_DIR=str(app.config["DATA_DIR"]),
               PRAVAH_TIMER_SWEEP_SECONDS="60", PRAVAH_TIMER_CLAIM_BATCH="10")
    pool = SweeperPool(2, env=env).start()
    try:
        deadline = time.monotonic() + 240
        with app.app_context():
            while time.monotonic() < deadline and db.session.scalar(select(func.count(Escalation.id))) < 200:
                db.session.commit()
                time.sleep(0.5)
            db.session.remove()
        assert all(p.poll() is None for p in pool.procs)          # sweeping, then asleep until the next timer
    finally:
        procs = list(pool.procs)
        pool.stop()
    assert [p.returncode for p in procs] == [0, 0]                 # SIGTERM ends them cleanly
    with app.app_context():
        per_item = db.session.execute(select(Escalation.work_item_id, func.count()).group_by(
            Escalation.work_item_id)).all()
        assert len(per_item) == 200 and {n for _, n in per_item} == {1}
        assert min(db.session.scalars(select(Escalation.raised_at))) >= due   # not before the due instant
        db.session.remove()


def test_a_sweeper_sleeps_until_the_next_timer_at_most_one_interval():
    from datetime import datetime, timezone

    from scheduler.sweep import SweepResult
    from scheduler.sweepers import seconds_until_next
    now = datetime(2026, 1, 5, 4, 30, tzinfo=timezone.utc)
    assert seconds_until_next(SweepResult(next_due=now + timedelta(seconds=7)), 30, now) == 7
    assert seconds_until_next(SweepResult(next_due=now + timedelta(hours=1)), 30, now) == 30
    assert seconds_until_next(SweepResult(next_due=None), 30, now) == 30
    assert seconds_until_next(SweepResult(next_due=now - timedelta(seconds=5)), 30, now) == 0.05


def test_a_sweep_told_to_stop_ends_after_the_batch_it_is_firing(app, api):
    import time_machine
    from datetime import datetime, timezone

    from scheduler.sweep import sweep
    residential_with_copies(app, api, 9, "H")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2), tick=True):
        with app.app_context():
            first = sweep(app.config, batch=4, stop=lambda: True)
            rest = sweep(app.config, batch=4)
            db.session.remove()
    assert (first.fired, rest.fired) == (4, 6)
