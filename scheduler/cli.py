"""``flask scheduler run|sweep|jobs``."""
import logging
import signal

import click
from flask import current_app
from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="The job scheduler (timer sweep, notification dispatch).")


@scheduler_cli.command("run")
def run_command():
    """Run the scheduler process (leader lock: extra copies stand by and take over), with
    PRAVAH_TIMER_SWEEP_PROCESSES sweeper processes that sweep whether this host leads or not."""
    from .runner import SchedulerProcess
    from .sweepers import SweeperPool
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    process = SchedulerProcess(app)
    process.sweepers = SweeperPool(int(app.config.get("TIMER_SWEEP_PROCESSES") or 0)).start()
    signal.signal(signal.SIGTERM, lambda *_: process.stop())
    try:
        process.loop()
    except KeyboardInterrupt:
        process.stop()
    finally:
        process.sweepers.stop()


@scheduler_cli.command("sweepers")
@click.option("--processes", "-n", type=click.IntRange(1, 64), default=None,
              help="How many (default PRAVAH_TIMER_SWEEP_PROCESSES, at least 1).")
def sweepers_command(processes):
    """Run only timer sweeper processes on this host (no leader lock: claims are exactly-once)."""
    import threading

    from .sweepers import SweeperPool
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    count = processes or max(1, int(current_app.config.get("TIMER_SWEEP_PROCESSES") or 0))
    pool = SweeperPool(count).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pool.ensure()
    except KeyboardInterrupt:
        pass
    finally:
        pool.stop()


@scheduler_cli.command("sweep")
def sweep_command():
    """Fire the timers due now, once (no leader lock needed: claims are exactly-once anyway)."""
    from .sweep import sweep
    result = sweep(current_app.config)
    click.echo(f"fired {result.fired}, failed {result.failed}, skipped {result.skipped}; "
               f"next due {result.next_due.isoformat() if result.next_due else 'none'}")
    for instance_id, error in result.failures.items():
        click.echo(f"  instance {instance_id}: {error}", err=True)


@scheduler_cli.command("jobs")
def jobs_command():
    """List the scheduler's jobs and their intervals."""
    from .jobs import JOBS
    for job in JOBS:
        click.echo(f"{job.id:20} every {job.interval(current_app.config):g} s  {job.func}")
