"""An application's audit trail with old and new values (officers of its offices, administrators)."""
from flask import jsonify

from ..audit.operations import trail
from ..errors import NotFound
from ..intake import records
from . import api_bp
from .edge import access, current_actor

AUDITORS = ("PRADHAN", "BDO", "EO", "SDO", "DM", "ADMIN")


@api_bp.get("/applications/<ain>/audit")
@access(roles=AUDITORS)
def application_audit(ain):
    actor = current_actor()
    application = records.find_by_ain(ain)
    if application is None or not (actor.has_role("ADMIN") or records.can_view(actor, application)):
        raise NotFound("There is no such application that you may see.")
    body = trail("application", application.ain)
    return jsonify({"ain": application.ain, **body, "page": 1, "per_page": max(len(body["items"]), 1),
                    "total": len(body["items"])})
