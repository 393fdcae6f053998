"""Reassigning a task within its office, and recalling an application one forwarded."""
from flask import jsonify

from .. import policy
from ..inbox import operations as inbox
from ..inbox.reassign import reassign
from ..intake.recall import recall
from . import api_bp
from .edge import access, base_url, current_actor, json_body, settings



@api_bp.post("/tasks/<int:item_id>/reassign")
@access(roles=policy.OFFICERS)
def reassign_task(item_id):
    return jsonify(inbox.item_api(reassign(current_actor(), item_id, json_body()), base_url()))


@api_bp.post("/applications/<ain>/recall")
@access(roles=policy.OFFICERS)
def recall_application(ain):
    application = recall(current_actor(), ain, json_body(), settings())
    return jsonify({"ain": application.ain, "status": application.status, "stage": application.stage})
