"""SLA timer firing: lateness p50/p99 and throughput with many waiting instances.

    python bench/timers.py [--waiting 100000] [--due 1000] [--window 120] [--db URL]
    python bench/timers.py --waiting 1000000 --burst 10000 [--sweepers 4] [--threads]

Runs on PostgreSQL when it answers (default postgresql://postgres@127.0.0.1:5432/pravah_sla_bench,
created if missing; the database is emptied), else on a SQLite file in /tmp. It prints the machine,
database and data size with the figures.

1. One real flow C application is submitted (an SLA day is 60 s here); ``--due`` copies of it are
   made (tests/scheduler/bulk.py: states with fresh task ids) and their step-1 deadline is spread
   evenly over the next ``--window`` seconds; ``--waiting`` bare instances wait 30 days ahead (rows
   written with PostgreSQL ``COPY``, ~1,000,000 a minute: only the ``next_timer_at`` index sees them).
2. Lateness: the real scheduler (leader lock, interval job, wake-up at the next due timer, the
   production sweep interval of 30 s) runs until every copy has escalated; lateness = escalation
   raised_at - the step's due time.
3. Throughput: the same number of copies, all already due, fired by one sweep pass.

With ``--burst N`` instead: N copies all due at the same instant (a Monday morning), the waiting
rows as above; ``--sweepers`` sweeper processes (scheduler/sweepers.py, what ``flask scheduler run``
starts with ``PRAVAH_TIMER_SWEEP_PROCESSES``; the same claim as sweepers on several hosts) are started
before that instant, sleep until it and drain them (``--threads``: one process with ``--sweepers``
threads, scheduler.sweep.sweep_parallel); prints lateness p50/p99/max, the drain time and the load
average. ``PRAVAH_TIMER_CLAIM_BATCH`` sets the instances claimed per transaction.
"""
import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/pravah_sla_bench"


def pick_database(url: str | None) -> str:
    """``--db`` (a PostgreSQL database named there is created when missing), else the default."""
    if url:
        if url.startswith("postgresql"):
            subprocess.run([sys.executable, "-m", "tests.pg_available", url, "--create"], cwd=ROOT, check=True)
        return url
    probe = subprocess.run([sys.executable, "-m", "tests.pg_available", PG_DEFAULT, "--create"], cwd=ROOT,
                           capture_output=True)
    return PG_DEFAULT if probe.returncode == 0 else "sqlite:////tmp/pravah_bench_timers.db"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def seed_waiting(db, model, version_id: int, far: datetime, count: int) -> None:
    """``count`` bare RUNNING instances waiting from ``far`` on: PostgreSQL ``COPY`` (1,000,000 in
    minutes), else multi-row INSERTs."""
    from sqlalchemy import insert, text
    columns = ("process_version_id", "state", "serializer_version", "status", "next_timer_at", "lock_version",
               "timer_failures", "created_at", "updated_at")
    if db.session.get_bind().dialect.name == "postgresql":
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY process_instance ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(count):
                copy.write_row((version_id, "{}", "1.5", "RUNNING", far + timedelta(seconds=i), 0, 0, far, far))
        db.session.commit()
        db.session.execute(text("ANALYZE process_instance"))
        db.session.commit()
        return
    for start in range(0, count, 5000):
        n = min(5000, count - start)
        db.session.execute(insert(model), [dict(zip(columns, (
            version_id, "{}", "1.5", "RUNNING", far + timedelta(seconds=i), 0, 0, far, far)))
            for i in range(start, start + n)])
        db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--waiting", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--window", type=float, default=120.0)
    parser.add_argument("--db")
    parser.add_argument("--burst", type=int, default=0, help="N timers due at one instant instead of --due")
    parser.add_argument("--sweepers", type=int, default=4, help="sweeper processes (with --threads: threads)")
    parser.add_argument("--threads", action="store_true", help="one process, --sweepers threads (the old shape)")
    args = parser.parse_args()
    url = pick_database(args.db)
    if url.startswith("sqlite:////"):
        Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
    os.environ.update({"DATABASE_URL": url, "PRAVAH_SLA_DAY_SECONDS": "60", "PRAVAH_TIMER_SWEEP_SECONDS": "30",
                       "PRAVAH_DATA_DIR": "/tmp/pravah_bench_timers", "PRAVAH_ENV": "development"})
    import logging
    logging.disable(logging.WARNING)
    from sqlalchemy import func, select, update

    from app import create_app
    from app.extensions import db
    from app.models import Escalation, ProcessInstance, SlaStep, WorkItem
    from scheduler.runner import SchedulerProcess
    from scheduler.sweep import sweep
    from tests.conftest import Api
    from tests.helpers import submit_residential
    from tests.scheduler.bulk import clone

    app = create_app({"DEMO_PASSWORD": "demo-pass-2026"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    cli = app.test_cli_runner()
    assert cli.invoke(args=["deploy"]).exit_code == 0
    assert cli.invoke(args=["demo", "seed"]).exit_code == 0
    api = Api(app.test_client())
    ain = submit_residential(api)
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"database: {url.split('://')[0]} ({url.rsplit('/', 1)[-1]})")

    with app.app_context():
        source = db.session.scalar(select(ProcessInstance).order_by(ProcessInstance.id).limit(1))
        source_id, version_id = source.id, source.process_version_id
        t0 = time.perf_counter()
        far = datetime.now(timezone.utc) + timedelta(days=30)
        seed_waiting(db, ProcessInstance, version_id, far, args.waiting)
        waiting_s = time.perf_counter() - t0
        old_due = db.session.scalar(select(WorkItem.due_at).where(WorkItem.instance_id == source_id))
        old_iso = old_due.isoformat()

        def make_due(count, first, spread, prefix):
            ids = clone(ain, count, prefix=prefix)
            for i, pid in enumerate(ids):
                due = first + timedelta(seconds=spread * i / max(1, count))
                state = db.session.scalar(select(ProcessInstance.state).where(ProcessInstance.id == pid))
                db.session.execute(update(ProcessInstance).where(ProcessInstance.id == pid).values(
                    state=state.replace(old_iso, due.isoformat()), next_timer_at=due))
                db.session.execute(update(WorkItem).where(WorkItem.instance_id == pid).values(due_at=due))
                db.session.execute(update(SlaStep).where(SlaStep.work_item_id.in_(
                    select(WorkItem.id).where(WorkItem.instance_id == pid))).values(due_at=due))
            # the source itself waits far ahead so it does not disturb the figures
            db.session.execute(update(ProcessInstance).where(ProcessInstance.id == source_id).values(next_timer_at=far))
            db.session.commit()
            return ids

        if args.burst:
            return burst(app, args, ain, old_iso, source_id, far)
        first = datetime.now(timezone.utc) + timedelta(seconds=20)
        due_ids = make_due(args.due, first, args.window, "L")
        print(f"data: {args.waiting:,} waiting + {args.due:,} due instances (waiting rows inserted in "
              f"{waiting_s:.1f} s); due times spread over {args.window:g} s from +20 s")
        db.session.remove()

    process = SchedulerProcess(app)
    import threading
    thread = threading.Thread(target=process.loop, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20 + args.window + 600
    with app.app_context():
        while time.monotonic() < deadline:
            done = db.session.scalar(select(func.count(Escalation.id)))
            db.session.commit()
            if done >= args.due:
                break
            time.sleep(1)
        rows = db.session.execute(select(Escalation.raised_at, Escalation.step_due_at)).all()
        db.session.remove()
    process.stop()
    thread.join()
    late = [(r - d).total_seconds() for r, d in rows]
    print(f"lateness (scheduler, sweep interval 30 s + wake-up at the next due timer), {len(late)} fired: "
          f"p50 {percentile(late, 50):.3f} s, p99 {percentile(late, 99):.3f} s, max {max(late):.3f} s")

    with app.app_context():
        past = datetime.now(timezone.utc) - timedelta(seconds=5)
        make_due(args.due, past, 0, "T")   # other AINs than the first copies
        db.session.remove()
        t0 = time.perf_counter()
        result = sweep(app.config)
        elapsed = time.perf_counter() - t0
        db.session.remove()
    print(f"throughput (one sweep, {args.due:,} due at once): {result.fired} fired in {elapsed:.1f} s = "
          f"{result.fired / elapsed:.1f} instances/s ({elapsed / max(1, result.fired) * 1000:.1f} ms each); "
          f"failed {result.failed}")


def profiled_sweep(app) -> tuple[int, int]:
    """One sweep under cProfile, with its SQL statements and commits counted (``BENCH_PROFILE=1``)."""
    import cProfile
    import pstats

    from sqlalchemy import event

    from app.extensions import db
    from scheduler.sweep import sweep
    seen = {"statements": 0, "commits": 0}
    with app.app_context():
        bind = db.engine
    on_sql = lambda *_: seen.__setitem__("statements", seen["statements"] + 1)   # noqa: E731
    on_commit = lambda *_: seen.__setitem__("commits", seen["commits"] + 1)      # noqa: E731
    event.listen(bind, "before_cursor_execute", on_sql)
    event.listen(bind, "commit", on_commit)
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    with app.app_context():
        profile.enable()
        result = sweep(app.config)
        profile.disable()
        db.session.remove()
    elapsed = time.perf_counter() - t0
    event.remove(bind, "before_cursor_execute", on_sql)
    event.remove(bind, "commit", on_commit)
    n = max(1, result.fired)
    print(f"profiled sweep: {result.fired} fired in {elapsed:.1f} s ({elapsed / n * 1000:.1f} ms each); "
          f"{seen['statements'] / n:.1f} statements (incl. savepoints) and {seen['commits'] / n:.2f} commits per timer")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return result.fired, result.failed


def burst(app, args, ain, old_iso, source_id, far):
    """N copies due at one instant, drained by --sweepers processes (or threads); lateness p50/p99/max."""
    from sqlalchemy import func, select, update

    from app.extensions import db
    from app.models import Escalation, ProcessInstance, SlaStep, WorkItem
    from scheduler.sweep import sweep_parallel
    from scheduler.sweepers import SweeperPool
    from tests.scheduler.bulk import clone
    t0 = time.perf_counter()
    ids = clone(ain, args.burst, prefix="B")
    due = datetime.now(timezone.utc) + timedelta(seconds=30 + args.burst / 1000)
    # set-based: every copy's timer (in its state and its rows) at the same instant
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        db.session.execute(update(ProcessInstance).where(ProcessInstance.id.in_(chunk)).values(
            state=db.func.replace(ProcessInstance.state, old_iso, due.isoformat()), next_timer_at=due))
        db.session.execute(update(WorkItem).where(WorkItem.instance_id.in_(chunk)).values(due_at=due))
        db.session.execute(update(SlaStep).where(SlaStep.work_item_id.in_(
            select(WorkItem.id).where(WorkItem.instance_id.in_(chunk)))).values(due_at=due))
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == source_id).values(next_timer_at=far))
    db.session.commit()
    db.session.remove()
    shape = f"{args.sweepers} sweeper {'threads in one process' if args.threads else 'processes'}"
    print(f"data: {args.waiting:,} waiting + a burst of {args.burst:,} due at one instant "
          f"(copies made in {time.perf_counter() - t0:.0f} s); {shape}, claim batch "
          f"{app.config['TIMER_CLAIM_BATCH']}; load average {os.getloadavg()[0]:.2f}", flush=True)
    pool = None if args.threads else SweeperPool(args.sweepers).start()   # they sleep until the burst is due
    try:
        while datetime.now(timezone.utc) < due:
            time.sleep(0.05)
        t1, cpu1 = time.perf_counter(), time.process_time()
        if args.threads:
            fired = failed = 0
            if os.environ.get("BENCH_PROFILE"):   # one sweep of the whole burst, in this process, profiled
                fired, failed = profiled_sweep(app)
            while fired + failed < args.burst and time.perf_counter() - t1 < 1800:
                result = sweep_parallel(app, args.sweepers)
                fired, failed = fired + result.fired, failed + result.failed
            done = time.perf_counter()
        else:
            with app.app_context():   # cheap polls (the due index, not a scan of the waiting rows)
                while time.perf_counter() - t1 < 1800:
                    left = db.session.scalar(select(func.count()).where(ProcessInstance.next_timer_at <= due))
                    raised = db.session.scalar(select(func.count(Escalation.id)))
                    db.session.commit()
                    if not left or raised >= args.burst:
                        break
                    time.sleep(0.5)
                done = time.perf_counter()
                fired = db.session.scalar(select(func.count(Escalation.id)))
                failed = db.session.scalar(select(func.count(ProcessInstance.id)).where(
                    ProcessInstance.timer_failures > 0))
                db.session.remove()
        drained, cpu = done - t1, time.process_time() - cpu1
    finally:
        if pool is not None:
            pool.stop()
    with app.app_context():
        rows = db.session.execute(select(Escalation.raised_at, Escalation.step_due_at)).all()
        db.session.remove()
    late = [(r - d).total_seconds() for r, d in rows]
    print(f"burst: {fired:,} fired, {failed} failed in {drained:.1f} s = {fired / drained:.0f} timers/s; lateness "
          f"p50 {percentile(late, 50):.3f} s, p99 {percentile(late, 99):.3f} s, max {max(late):.3f} s; "
          f"load average {os.getloadavg()[0]:.2f}")
    if args.threads:   # the sweep's own CPU (this process, not PostgreSQL's): less moved by the load than time
        print(f"sweeper CPU: {cpu / max(1, fired) * 1000:.1f} ms per timer")


if __name__ == "__main__":
    main()
