"""An application's audit trail with old and new values (officers of its offices, administrators)."""
from flask import jsonify

from .. import policy
from ..audit.operations import trail
from ..intake import records
from . import api_bp
from .edge import access, current_actor

AUDITORS = ("PRADHAN", "BDO", "EO", "SDO", "DM", "ADMIN")


@api_bp.get("/applications/<ain>/audit")
@access(roles=AUDITORS)
def application_audit(ain):
    actor = current_actor()
    application = records.find_by_ain(ain)
    if not (application is not None and actor.has_role("ADMIN")):
        policy.check(actor, "application.view", application)
    body = trail("application", application.ain)
    return jsonify({"ain": application.ain, **body, "page": 1, "per_page": max(len(body["items"]), 1),
                    "total": len(body["items"])})
