"""Moving a running application to another version of its service (ANALYST, ADMIN)."""
from flask import jsonify

from .. import policy
from ..errors import Invalid
from ..processes import migration
from . import api_bp
from .edge import access, current_actor, json_body, settings


@api_bp.post("/applications/<ain>/migrate")
@access(roles=policy.MOVERS)
def migrate(ain):
    body = json_body()
    unknown = set(body) - {"version", "dry_run"}
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in sorted(unknown)})
    dry_run = body.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise Invalid("dry_run is true or false.", fields={"dry_run": "must be true or false"})
    if dry_run:
        return jsonify(migration.plan(current_actor(), ain, body.get("version")))
    return jsonify(migration.migrate(current_actor(), ain, body.get("version"), settings()))
