"""Officers' inbox and task actions."""
from flask import jsonify, request

from ..inbox import operations as inbox
from ..sla.escalations import escalation_api
from . import api_bp
from .edge import access, base_url, current_actor, json_body, page_body, paging, settings

OFFICERS = ("PRADHAN", "BDO", "EO", "SDO", "DM")


@api_bp.get("/inbox")
@access(roles=OFFICERS)
def list_inbox():
    page, per_page = paging()
    escalated = request.args.get("escalated", "").lower() in ("true", "1", "yes")
    items, total = inbox.inbox(current_actor(), page, per_page, escalated=escalated)
    rows = [inbox.item_api(i, base_url()) for i in items]
    if escalated:   # how late it is and at which level it reached me
        for row, item in zip(rows, items):
            row["escalation"] = escalation_api(current_actor(), item)
    return jsonify(page_body(rows, page, per_page, total))


@api_bp.post("/tasks/<int:item_id>/claim")
@access(roles=OFFICERS)
def claim(item_id):
    return jsonify(inbox.item_api(inbox.claim(current_actor(), item_id), base_url()))


@api_bp.post("/tasks/<int:item_id>/release")
@access(roles=OFFICERS)
def release(item_id):
    return jsonify(inbox.item_api(inbox.release(current_actor(), item_id), base_url()))


@api_bp.post("/tasks/<int:item_id>/complete")
@access(roles=OFFICERS)
def complete(item_id):
    application = inbox.complete(current_actor(), item_id, json_body(), settings())
    return jsonify({"ain": application.ain, "status": application.status, "stage": application.stage})
