"""``flask services sla-table``: the SoP onboarding table of the active services."""
import click
from flask.cli import AppGroup

services = AppGroup("services", help="The service catalogue.")


@services.command("sla-table")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a text table.")
def sla_table_command(as_csv):
    """Print Department, Service, SLA Total Time, Total No of Sub-SLA and Time in Sub-SLA 1..n."""
    from . import sla_table
    from .operations import list_services
    items, _ = list_services(1, 10_000)
    header, rows = sla_table.table([s.to_api() for s in items])
    click.echo(sla_table.as_csv(header, rows) if as_csv else sla_table.as_text(header, rows), nl=False)
