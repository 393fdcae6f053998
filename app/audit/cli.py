"""``flask audit verify``: walk the hash chains of the whole trail."""
import sys

import click
from flask.cli import AppGroup

from . import operations

audit_cli = AppGroup("audit", help="The hash-chained audit trail.")


@audit_cli.command("verify")
def verify():
    """Check every chain; name the first broken link and exit 1, or say how many chains hold."""
    total = operations.chain_count()
    with click.progressbar(length=total, label="Checking audit chains", file=sys.stderr) as bar:
        broken = operations.verify_all(progress=bar.update)
    if broken is not None:
        click.echo(f"BROKEN: {broken}", err=True)
        sys.exit(1)
    click.echo(f"{total} chains checked; every link holds.")


def init_app(app) -> None:
    app.cli.add_command(audit_cli)
