"""Citizen feedback on a delivered application."""
from flask import jsonify

from ..intake import feedback
from . import api_bp
from .edge import access, current_actor, json_body


@api_bp.post("/applications/<ain>/feedback")
@access()
def give_feedback(ain):
    return jsonify(feedback.feedback_api(feedback.give_feedback(current_actor(), ain, json_body()))), 201
