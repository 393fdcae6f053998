"""Officers' inbox and task actions."""
from flask import jsonify, request

from .. import policy
from ..inbox import bulk, delegation, operations as inbox
from ..sla.escalations import escalation_api
from . import api_bp
from .edge import access, base_url, current_actor, in_own_transaction, json_body, page_body, paging, settings



@api_bp.get("/inbox")
@access(roles=policy.OFFICERS)
def list_inbox():
    page, per_page = paging()
    escalated = request.args.get("escalated", "").lower() in ("true", "1", "yes")
    items, total = inbox.inbox(current_actor(), page, per_page, escalated=escalated)
    actions = inbox.page_actions(items)
    rows = [inbox.item_api(i, base_url(), actions[i.id]) for i in items]
    behalf = delegation.on_behalf_map(current_actor())
    for row, item in zip(rows, items):   # a delegate's inbox says whose queue each task is from
        row["delegated_from"] = behalf.get((item.office_id, item.role))
    if escalated:   # how late it is and at which level it reached me
        for row, item in zip(rows, items):
            row["escalation"] = escalation_api(current_actor(), item)
    return jsonify(page_body(rows, page, per_page, total))


@api_bp.post("/tasks/<int:item_id>/claim")
@access(roles=policy.OFFICERS)
def claim(item_id):
    return jsonify(inbox.item_api(inbox.claim(current_actor(), item_id), base_url()))


@api_bp.post("/tasks/<int:item_id>/release")
@access(roles=policy.OFFICERS)
def release(item_id):
    return jsonify(inbox.item_api(inbox.release(current_actor(), item_id), base_url()))


@api_bp.post("/tasks/<int:item_id>/complete")
@access(roles=policy.OFFICERS)
def complete(item_id):
    application = inbox.complete(current_actor(), item_id, json_body(), settings())
    return jsonify({"ain": application.ain, "status": application.status, "stage": application.stage})


@api_bp.post("/tasks/bulk")
@access(roles=policy.OFFICERS)
def bulk_complete():
    """One decision on many tasks of one step; each task in its own transaction, each reported."""
    actor = current_actor()
    ids, body = bulk.parse(json_body())
    results = []
    for task_id, ain, refused in bulk.in_queue_order(ids):
        def act(task_id=task_id, refused=refused):
            if refused is not None:
                raise refused
            return inbox.complete(actor, task_id, dict(body), settings())
        code, value = in_own_transaction(act)
        if code == 200:
            results.append({"id": task_id, "ain": value.ain, "status_code": 200, "status": value.status,
                            "stage": value.stage})
        else:
            # a task the officer may not see keeps its application's number to itself
            results.append({"id": task_id, "ain": ain if code not in (403, 404) else None,
                            "status_code": code, "error": value})
    return jsonify({"results": results})
