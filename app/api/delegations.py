"""Out-of-office delegations of an officer's queue (the officer, or the head of their office)."""
from flask import jsonify

from .. import policy
from ..inbox import delegation
from . import api_bp
from .edge import access, current_actor, json_body


@api_bp.post("/delegations")
@access(roles=policy.OFFICERS)
def create_delegation():
    return jsonify(delegation.api(delegation.create(current_actor(), json_body()))), 201


@api_bp.get("/delegations")
@access(roles=policy.OFFICERS)
def list_delegations():
    rows = [delegation.api(d) for d in delegation.visible(current_actor())]
    return jsonify({"items": rows, "page": 1, "per_page": max(len(rows), 1), "total": len(rows)})


@api_bp.delete("/delegations/<int:delegation_id>")
@access(roles=policy.OFFICERS)
def withdraw_delegation(delegation_id):
    return jsonify(delegation.api(delegation.revoke(current_actor(), delegation_id)))
