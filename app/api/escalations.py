"""Escalated tasks: take over, remarks (the inbox's ``?escalated=true`` lists them)."""
from flask import jsonify

from .. import policy
from ..inbox import operations as inbox
from ..sla import escalations
from . import api_bp
from .edge import access, base_url, current_actor, json_body, page_body



@api_bp.post("/tasks/<int:item_id>/take-over")
@access(roles=policy.OFFICERS)
def take_over(item_id):
    """An L1/L2 holder becomes the task's assignee and may complete it."""
    item = escalations.take_over(current_actor(), item_id)
    body = inbox.item_api(item, base_url())
    body["escalation"] = escalations.escalation_api(current_actor(), item)
    return jsonify(body)


@api_bp.post("/tasks/<int:item_id>/remark")
@access(roles=policy.OFFICERS)
def add_remark(item_id):
    remark = escalations.add_remark(current_actor(), item_id, json_body())
    return jsonify(escalations.remark_api(remark)), 201


@api_bp.get("/tasks/<int:item_id>/remarks")
@access(roles=policy.OFFICERS)
def list_remarks(item_id):
    """Remarks on a task, for whoever may see it (its office and role, or an escalation holder)."""
    item = inbox.get_item(current_actor(), item_id)
    rows = [escalations.remark_api(r) for r in escalations.remarks_of(item)]
    return jsonify(page_body(rows, 1, max(len(rows), 1), len(rows)))
