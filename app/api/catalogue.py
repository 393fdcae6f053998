"""Catalogue, forms and locations (no authentication)."""
from flask import jsonify, request

from ..catalogue import operations as catalogue
from . import api_bp
from .edge import PUBLIC, access, page_body, paging


@api_bp.get("/services")
@access(PUBLIC)
def services():
    page, per_page = paging()
    items, total = catalogue.list_services(page, per_page)
    return jsonify(page_body([s.to_api() for s in items], page, per_page, total))


@api_bp.get("/services/<key>/form")
@access(PUBLIC)
def service_form(key):
    return jsonify(catalogue.application_form(key))


@api_bp.get("/services/<key>/forms/<form_key>")
@access(PUBLIC)
def task_form(key, form_key):
    return jsonify(catalogue.task_form(key, form_key))


@api_bp.get("/locations")
@access(PUBLIC)
def locations():
    page, per_page = paging()
    items, total = catalogue.list_locations(request.args.get("parent"), page, per_page)
    return jsonify(page_body([loc.to_api() for loc in items], page, per_page, total))
