"""GET /api/v1/admin/notifications, POST /api/v1/admin/notifications/<id>/retry (ADMIN)."""
from flask import jsonify, request

from .. import policy
from ..notifications import operations
from . import api_bp
from .edge import access, current_actor, page_body, paging


@api_bp.get("/admin/notifications")
@access(roles=policy.ADMINS)
def admin_notifications():
    page, per_page = paging()
    items, total = operations.failures(request.args.get("status"), page, per_page)
    return jsonify(page_body(items, page, per_page, total))


@api_bp.post("/admin/notifications/<int:notification_id>/retry")
@access(roles=policy.ADMINS)
def admin_notification_retry(notification_id):
    row = operations.retry(current_actor(), notification_id)
    return jsonify(operations.admin_api(row, row.application.ain if row.application else None))
