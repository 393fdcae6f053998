"""``flask scheduler run|sweep|jobs``."""
import logging
import signal

import click
from flask import current_app
from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="The job scheduler (timer sweep, notification dispatch).")


@scheduler_cli.command("run")
def run_command():
    """Run the scheduler process (leader lock: extra copies stand by and take over)."""
    from .runner import SchedulerProcess
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    process = SchedulerProcess(current_app._get_current_object())
    signal.signal(signal.SIGTERM, lambda *_: process.stop())
    try:
        process.loop()
    except KeyboardInterrupt:
        process.stop()


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
