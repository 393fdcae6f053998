"""MIS dashboards for the viewer's jurisdiction: counts by GP, block, district or service, SLA
on-time share, average citizen rating per service, the overdue list, a chart and a CSV export.
The figures come from the reports area (see :mod:`app.web.mis_queries`)."""
import csv
import io

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from .. import policy
from ..errors import Invalid
from ..reports.summary import FIELDS
from . import mis_queries
from .access import current_actor, page_access

mis_bp = Blueprint("mis", __name__, url_prefix="/mis")


def _params():
    by = request.args.get("by", "gp")
    if by not in mis_queries.GROUPS:
        by = "gp"
    return by, request.args.get("from", "").strip(), request.args.get("to", "").strip()


@mis_bp.get("/")
@page_access(roles=policy.MIS_PAGE_ROLES)
def dashboard():
    by, date_from, date_to = _params()
    actor = current_actor()
    errors, status, message = {}, 200, None
    try:
        board = mis_queries.dashboard(actor, by, date_from, date_to)
    except Invalid as exc:  # a malformed date: say so beside it and show the whole period
        errors, status, message = exc.fields, 422, _("Please correct the fields marked below.")
        board = mis_queries.dashboard(actor, by, None, None)
    return render_template("mis/dashboard.html", rows=board.rows, total=board.total, overdue=board.overdue,
                           overdue_count=board.overdue_count, by=by, date_from=date_from, date_to=date_to,
                           offices=board.offices, errors=errors, message=message,
                           csv_url=url_for("mis.summary_csv", **request.args.to_dict())), status


@mis_bp.get("/summary.csv")
@page_access(roles=policy.MIS_PAGE_ROLES)
def summary_csv():
    by, date_from, date_to = _params()
    board = mis_queries.dashboard(current_actor(), by, date_from, date_to)
    columns = [*FIELDS, *(("avg_rating", "ratings") if by == "service" else ())]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in [*board.rows, board.total]:
        values = {**row.__dict__, "avg_rating": row.rating}
        writer.writerow(["" if values[c] is None else values[c] for c in columns])
    return current_app.response_class(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="pravah-summary-by-{by}.csv"'})
