"""``flask holidays ...``: load holiday calendars."""
import sys

import click
from flask.cli import AppGroup

from ..errors import Invalid
from ..extensions import db

holidays = AppGroup("holidays", help="Holiday calendars (working days for SLA deadlines).")


@holidays.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Import holidays from a CSV file: date,name[,name_bn][,state_lgd][,district_lgd]."""
    from .holidays import import_rows, parse_csv
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        rows = parse_csv(text)
        with click.progressbar(length=len(rows), label="Loading holidays", file=sys.stderr) as bar:
            added, updated = import_rows(rows, progress=bar.update)
    except Invalid as exc:
        db.session.rollback()
        click.echo(exc.message, err=True)
        for where, why in exc.fields.items():
            click.echo(f"  {where}: {why}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"holidays: {added} added, {updated} updated")
