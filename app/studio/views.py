"""Studio pages (``/studio``): modeller, form editor with live preview, versions, heatmap.

Thin handlers over :mod:`app.studio.operations`; the page's buttons post JSON here (session login
and the CSRF token in ``X-CSRFToken``), the same operations the API's upload uses.
"""
import io

from flask import Blueprint, jsonify, render_template, request, send_file, url_for
from flask_babel import force_locale

from .. import clock, engine, policy
from ..errors import DomainError, Invalid
from ..models.people import ROLES
from ..processes.deploy import InvalidModel
from ..web import edge
from ..web.access import current_actor, page_access
from ..web.forms import fields as form_fields
from . import bundle, certificate_preview
from . import heatmap as heat
from . import operations as studio

studio_bp = Blueprint("studio", __name__, url_prefix="/studio")
edge.install(studio_bp)

#: bpmn-js and dmn-js set inline styles on the elements they draw: allow styles (never scripts) inline.
STUDIO_CSP = edge.CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@studio_bp.after_request
def _studio_headers(response):
    response.headers["Content-Security-Policy"] = STUDIO_CSP
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@studio_bp.errorhandler(DomainError)
def _json_error(exc: DomainError):
    """The page's fetch() calls get JSON errors (problems included); page loads get the error page."""
    from ..extensions import db
    db.session.rollback()
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(exc.to_dict()), exc.status
    return edge.error_page(exc.status, exc.message)


@studio_bp.get("/")
@page_access(roles=policy.MODELLERS)
def index():
    items, _total = studio.list_models(1, 500)
    return render_template("studio/index.html", models=items)


@studio_bp.get("/<service>")
@page_access(roles=policy.MODELLERS)
def modeller(service):
    svc = studio.get_service(service)
    files, version = studio.current_files(service, request.args.get("version", type=int))
    payload = {
        "service": service, "files": studio.files_payload(files),
        "base_version": version.version if version else None,
        "versions": [studio.version_api(v) for v in studio.versions(service)],
        "topics": sorted(engine.registered_topics()), "roles": list(ROLES),
        "urls": {"validate": url_for("studio.validate", service=service),
                 "save": url_for("studio.save", service=service),
                 "activate": url_for("studio.activate", service=service, number=0),
                 "diff": url_for("studio.diff", service=service, number=0),
                 "preview": url_for("studio.preview_form", service=service),
                 # the certificate area's analyst-only preview of a version's template from sample data
                 "certificate_preview": url_for("studio.modeller", service=service) + "/certificate-preview",
                 "camunda": url_for("static", filename="vendor/camunda-bpmn-moddle/camunda.json"),
                 "dmnjs": url_for("static", filename="vendor/dmn-js/dmn-modeler.production.min.js")},
    }
    return render_template("studio/modeller.html", service=svc, version=version, payload=payload)


@studio_bp.post("/<service>/validate")
@page_access(roles=policy.MODELLERS)
def validate(service):
    """A report, not a write: a model with problems is a 200 ``{"ok": false, "problems"}`` here
    (saving it is refused with a 422)."""
    files = studio.files_from_payload(service, request.get_json(silent=True))
    try:
        return jsonify(studio.validate(current_actor(), service, files))
    except InvalidModel as exc:
        return jsonify({"ok": False, "problems": exc.problems, "warnings": [], "advice": exc.advice})


@studio_bp.post("/<service>/drafts")
@page_access(roles=policy.MODELLERS)
def save(service):
    files = studio.files_from_payload(service, request.get_json(silent=True))
    version, created = studio.save_draft(current_actor(), service, files)
    return jsonify({**studio.version_api(version), "created": created}), 201 if created else 200


@studio_bp.post("/<service>/versions/<int:number>/activate")
@page_access(roles=policy.MODELLERS)
def activate(service, number):
    return jsonify(studio.version_api(studio.activate(current_actor(), service, number)))


@studio_bp.get("/<service>/versions/<int:number>/diff")
@page_access(roles=policy.MODELLERS)
def diff(service, number):
    return jsonify(studio.diff(service, request.args.get("against", type=int) or max(number - 1, 1), number))


@studio_bp.post("/<service>/form-preview")
@page_access(roles=policy.MODELLERS)
def preview_form(service):
    """The form drawn by the same macro citizens' pages use, in English and in Bengali."""
    schema = request.get_json(silent=True)
    if not isinstance(schema, dict) or not isinstance(schema.get("properties", {}), dict):
        raise Invalid("Send a JSON Schema object.", fields={"schema": "must be an object"})
    out = {}
    for lang in ("en", "bn"):
        with force_locale(lang):
            out[lang] = render_template("studio/form_preview.html", schema=schema, fields=form_fields(schema),
                                        lang_code=lang)
    return jsonify(out)


@studio_bp.get("/<service>/export.zip")
@page_access(roles=policy.MODELLERS)
def export(service):
    files, version = studio.current_files(service, request.args.get("version", type=int))
    buffer = io.BytesIO(bundle.to_zip(files))
    suffix = f"-v{version.version}" if version else ""
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=f"{service}{suffix}.zip")


@studio_bp.get("/<service>/heatmap")
@page_access(roles=policy.HEATMAP_ROLES)
def heatmap_page(service):
    svc = studio.get_service(service)
    data = heat.heatmap(current_actor(), service, clock.now())
    version = studio.base_version(service, data["version"]) if data["version"] else None
    return render_template("studio/heatmap.html", service=svc, data=data,
                           payload={"bpmn": version.bpmn_xml if version else "", "heat": data})


@studio_bp.get("/<service>/heatmap.json")
@page_access(roles=policy.HEATMAP_ROLES)
def heatmap_json(service):
    return jsonify(heat.heatmap(current_actor(), service, clock.now()))


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=False, download_name=name)


@studio_bp.get("/<service>/certificate-preview")
@page_access(roles=policy.MODELLERS)
def certificate_preview_version(service):
    """A stored version's certificate (``?template=acknowledgement`` for the receipt) from sample data."""
    kind = request.args.get("template", "certificate")
    pdf = certificate_preview.preview_version(current_actor(), service, request.args.get("version", type=int), kind)
    return _pdf(pdf, f"{service}-{kind}-preview.pdf")


@studio_bp.post("/<service>/certificate-preview")
@page_access(roles=policy.MODELLERS)
def certificate_preview_files(service):
    """Unsaved templates (JSON ``{"templates": {name: text}, "forms"?, "base_version"?, "template"?}``)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Send JSON with the templates.", fields={"templates": "is required"})
    base = body.get("base_version") if isinstance(body.get("base_version"), int) else None
    kind = body.get("template") or "certificate"
    pdf = certificate_preview.preview_files(current_actor(), service, body.get("templates") or {},
                                            body.get("forms"), base, kind)
    return _pdf(pdf, f"{service}-{kind}-preview.pdf")
