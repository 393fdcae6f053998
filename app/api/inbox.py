"""Officers' inbox and task actions."""
from flask import jsonify

from ..inbox import operations as inbox
from . import api_bp
from .edge import access, base_url, current_actor, json_body, page_body, paging, settings

OFFICERS = ("PRADHAN", "BDO", "EO", "SDO", "DM")


@api_bp.get("/inbox")
@access(roles=OFFICERS)
def list_inbox():
    page, per_page = paging()
    items, total = inbox.inbox(current_actor(), page, per_page)
    return jsonify(page_body([inbox.item_api(i, base_url()) for i in items], page, per_page, total))


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
