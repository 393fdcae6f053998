"""Partner webhooks: register, list, remove (API keys only)."""
from flask import current_app, jsonify

from .. import policy
from ..webhooks import operations as webhooks
from . import api_bp
from .edge import access, current_actor, json_body

@api_bp.post("/webhooks")
@access(roles=policy.PARTNERS)
def register_webhook():
    hook, secret = webhooks.register(current_actor(), json_body(),
                                     allow_http=current_app.config.get("ENV_NAME") != "production")
    return jsonify({**webhooks.api(hook), "secret": secret}), 201


@api_bp.get("/webhooks")
@access(roles=policy.PARTNERS)
def list_webhooks():
    rows = [webhooks.api(h) for h in webhooks.mine(current_actor())]
    return jsonify({"items": rows, "page": 1, "per_page": max(len(rows), 1), "total": len(rows)})


@api_bp.delete("/webhooks/<int:webhook_id>")
@access(roles=policy.PARTNERS)
def remove_webhook(webhook_id):
    webhooks.revoke(current_actor(), webhook_id)
    return "", 204
