"""``flask lgd import FILE.csv``: load LGD locations (docs/lgd-import.md)."""
import sys

import click
from flask.cli import AppGroup

from ..extensions import db

lgd = AppGroup("lgd", help="Local Government Directory locations.")


@lgd.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Load the good rows even when some rows are bad.")
@click.option("--offices", is_flag=True, help="Also create the DM/SDO/BDO/GP office of each area that has none.")
def import_command(path, skip_bad, offices):
    """Load districts, subdivisions, blocks, GPs, municipalities and wards from a CSV file."""
    from .lgd_import import import_text
    with open(path, encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    rows = max(text.count("\n") - 1, 0)
    with click.progressbar(length=rows, label="Loading LGD rows", file=sys.stderr) as bar:
        report = import_text(text, skip_bad=skip_bad, offices=offices, progress=bar.update)
    for line, message in report.bad:
        click.echo(f"{path}:{line}: {message}", err=True)
    if not report.loaded:
        db.session.rollback()
        click.echo(f"{len(report.bad)} bad row(s); nothing was loaded (use --skip-bad to load the good rows).", err=True)
        sys.exit(1)
    db.session.commit()
    skipped = f", skipped {len(report.bad)} bad row(s)" if report.bad else ""
    made = f", {report.offices} office(s) created" if offices else ""
    click.echo(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}{skipped}{made}")
