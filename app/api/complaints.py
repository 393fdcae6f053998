"""Complaints on rejected applications, and the district's list of them."""
from flask import jsonify

from .. import policy
from ..intake import complaints
from . import api_bp
from .edge import access, current_actor, json_body, page_body, paging


@api_bp.post("/applications/<ain>/complaint")
@access()
def file_complaint(ain):
    return jsonify(complaints.complaint_api(complaints.file_complaint(current_actor(), ain, json_body()))), 201


@api_bp.get("/complaints")
@access(roles=policy.COMPLAINT_READERS)
def list_complaints():
    page, per_page = paging()
    items, total = complaints.list_complaints(current_actor(), page, per_page)
    return jsonify(page_body([complaints.complaint_api(c) for c in items], page, per_page, total))


@api_bp.post("/complaints/<int:complaint_id>/answer")
@access(roles=policy.COMPLAINT_READERS)
def answer_complaint(complaint_id):
    """The district (or subdivision) answers a complaint; the answer closes it."""
    return jsonify(complaints.complaint_api(complaints.answer_complaint(current_actor(), complaint_id, json_body())))
