"""MIS dashboards for the viewer's jurisdiction: counts by GP, block, district or service, SLA
on-time share, the overdue list, a chart and a CSV export."""
import csv
import io

from flask import Blueprint, current_app, render_template, request, url_for

from . import mis_queries
from .access import MIS_ROLES, current_actor, page_access

mis_bp = Blueprint("mis", __name__, url_prefix="/mis")


def _params():
    by = request.args.get("by", "gp")
    if by not in mis_queries.GROUPS:
        by = "gp"
    date_from, date_to = request.args.get("from", ""), request.args.get("to", "")
    return by, date_from, date_to, mis_queries.day_start(date_from), mis_queries.day_start(date_to, end=True)


@mis_bp.get("/")
@page_access(roles=MIS_ROLES)
def dashboard():
    by, date_from, date_to, start, end = _params()
    actor = current_actor()
    rows, total, overdue = mis_queries.summary(actor, by, start, end)
    scope = mis_queries.scope_for(actor)
    return render_template("mis/dashboard.html", rows=rows, total=total, overdue=overdue[:100],
                           overdue_count=len(overdue), by=by, date_from=date_from, date_to=date_to,
                           offices=scope.label, csv_url=url_for("mis.summary_csv", **request.args.to_dict()))


@mis_bp.get("/summary.csv")
@page_access(roles=MIS_ROLES)
def summary_csv():
    by, _from, _to, start, end = _params()
    rows, total, _overdue = mis_queries.summary(current_actor(), by, start, end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "name", "received", "pending", "delivered", "rejected", "overdue", "on_time_pct",
                     "avg_days"])
    for row in [*rows, total]:
        writer.writerow([row.key, row.name, row.received, row.pending, row.delivered, row.rejected, row.overdue,
                         "" if row.on_time_pct is None else row.on_time_pct,
                         "" if row.avg_days is None else row.avg_days])
    return current_app.response_class(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="pravah-summary-by-{by}.csv"'})
