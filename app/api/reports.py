"""MIS reports within the caller's jurisdiction."""
from datetime import date

from flask import Response, jsonify, request

from .. import policy
from ..errors import Invalid
from ..reports import etaal, steps, summary
from . import api_bp
from .edge import access, current_actor



@api_bp.get("/reports/summary")
@access(roles=policy.MIS_ROLES)
def report_summary():
    args = request.args
    fmt = args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Invalid("format is json or csv.", fields={"format": "must be json or csv"})
    rows = summary.summary(current_actor(), args.get("by", ""), args.get("from"), args.get("to"))
    if fmt == "csv":
        by = args.get("by")
        return Response(summary.as_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="summary-by-{by}.csv"'})
    return jsonify({"items": rows, "page": 1, "per_page": max(len(rows), 1), "total": len(rows)})


@api_bp.get("/reports/applications/<ain>/sla")
@access(roles=policy.MIS_ROLES)
def application_sla(ain):
    """Each SLA step of one application: due, done, late by, escalations."""
    return jsonify(steps.application_steps(current_actor(), ain))


@api_bp.get("/reports/etaal")
@access(roles=(*policy.MIS_ROLES, policy.API_KEY))
def report_etaal():
    """e-Taal: e-transactions per service and district on one day (Indian time)."""
    raw = request.args.get("date", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Give the day as date=YYYY-MM-DD.", fields={"date": "must be a date YYYY-MM-DD"}) from None
    if not summary.FIRST_YEAR <= day.year <= summary.LAST_YEAR:
        raise Invalid("Give the day as date=YYYY-MM-DD.", fields={
            "date": f"must be a date between {summary.FIRST_YEAR} and {summary.LAST_YEAR}"})
    rows = etaal.counts(current_actor(), day)
    return jsonify({"items": rows, "page": 1, "per_page": max(len(rows), 1), "total": len(rows), "date": day.isoformat()})
