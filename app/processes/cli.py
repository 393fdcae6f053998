"""``flask processes migrate``: move running applications of a service to another version."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from . import migration

processes_cli = AppGroup("processes", help="Running process instances.")


@processes_cli.command("migrate")
@click.argument("service")
@click.option("--to", "version", type=int, required=True, help="The version number to move to.")
@click.option("--dry-run", is_flag=True, help="Only report which applications can move.")
@click.option("--ain", "ains", multiple=True, help="Only these applications (default: every open one).")
def migrate_command(service, version, dry_run, ains):
    """Move open applications of SERVICE to version --to; each in its own transaction."""
    try:
        todo = list(ains) or migration.open_applications(service, version)
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    moved, refused = [], []
    with click.progressbar(todo, label=f"{'Checking' if dry_run else 'Moving'} {len(todo)} applications",
                           file=sys.stderr) as bar:
        for ain in bar:
            try:
                if dry_run:
                    result = migration.plan(None, ain, version)
                else:
                    result = migration.migrate(None, ain, version, current_app.config)
                    db.session.commit()
            except migration.NotMovable as exc:
                db.session.rollback()
                result = {"movable": False, "reasons": exc.extra.get("reasons", [exc.message])}
            except DomainError as exc:
                db.session.rollback()
                result = {"movable": False, "reasons": [exc.message]}
            (moved if result["movable"] else refused).append((ain, result))
    verb = "can move" if dry_run else "moved"
    click.echo(f"{len(moved)} {verb} to version {version}; {len(refused)} cannot.")
    for ain, result in refused:
        click.echo(f"  {ain}: {'; '.join(result['reasons'])}")
    if refused and not dry_run:
        sys.exit(1)


def init_app(app) -> None:
    app.cli.add_command(processes_cli)
