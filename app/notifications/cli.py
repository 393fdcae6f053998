"""``flask notifications dispatch | retry | list``."""
import json
import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db

notifications = AppGroup("notifications", help="The notification outbox.")


@notifications.command("dispatch")
@click.option("--limit", type=int, default=None, help="Rows claimed per round (default NOTIFY_BATCH).")
@click.option("--loop", is_flag=True, help="Keep dispatching every --interval seconds.")
@click.option("--interval", type=float, default=5.0)
def dispatch_command(limit, loop, interval):
    """Send the messages that are due (what the scheduler job does)."""
    from .dispatch import dispatch_due
    app = current_app._get_current_object()
    while True:
        counts = dispatch_due(app, limit)
        click.echo(json.dumps(counts))
        if not loop:
            return
        if not counts["claimed"]:
            time.sleep(interval)


@notifications.command("retry")
@click.argument("notification_id", type=int)
def retry_command(notification_id):
    """Put a dead message back in the queue."""
    from .operations import retry
    notification = retry(None, notification_id)
    db.session.commit()
    click.echo(f"notification {notification.id} queued again")


@notifications.command("list")
@click.option("--status", default="dead")
def list_command(status):
    """Print rows with the given status (dead by default) as JSON lines."""
    from .operations import failures
    items, _ = failures(status, 1, 200)
    for item in items:
        click.echo(json.dumps(item, ensure_ascii=False))
