"""An application's audit trail with old and new values (officers of its offices, administrators)."""
from flask import jsonify

from .. import policy
from ..audit.operations import trail
from ..intake import records
from . import api_bp
from .edge import access, current_actor


@api_bp.get("/applications/<ain>/audit")
@access(roles=policy.AUDITORS)
def application_audit(ain):
    application = records.find_by_ain(ain)
    policy.check(current_actor(), "application.audit", application)
    body = trail("application", application.ain)
    return jsonify({"ain": application.ain, **body, "page": 1, "per_page": max(len(body["items"]), 1),
                    "total": len(body["items"])})
