"""Process models (ANALYST): list, upload a version (a draft), download its bundle, activate; catalogue entries."""
import io

from flask import jsonify, request, send_file

from .. import policy
from ..catalogue import operations as catalogue
from ..studio import bundle
from ..studio import operations as studio
from . import api_bp
from .edge import access, current_actor, json_body, page_body, paging


@api_bp.get("/process-models")
@access(roles=policy.MODEL_READERS)
def process_models():
    page, per_page = paging()
    items, total = studio.list_models(page, per_page)
    return jsonify(page_body(items, page, per_page, total))


@api_bp.post("/process-models/<service>/versions")
@access(roles=policy.MODELLERS)
def upload_version(service):
    """The files one by one (``bpmn``, ``dmn``, ``form``, ``certificate_template``) or as one ``bundle`` zip."""
    if "bundle" in request.files:
        files = bundle.files_from_zip(service, request.files["bundle"].read(studio.MAX_TOTAL_BYTES + 1))
    else:
        files = studio.files_from_upload(service, request.files.get("bpmn"), request.files.getlist("dmn"),
                                         request.files.getlist("form"), request.files.getlist("certificate_template"))
    version, created = studio.save_draft(current_actor(), service, files)
    return jsonify({**studio.version_api(version), "created": created}), 201 if created else 200


@api_bp.post("/process-models/<service>/versions/<int:number>/activate")
@access(roles=policy.MODELLERS)
def activate_version(service, number):
    version = studio.activate(current_actor(), service, number)
    return jsonify(studio.version_api(version))


@api_bp.get("/process-models/<service>/versions/<int:number>/diff")
@access(roles=policy.MODEL_READERS)
def version_diff(service, number):
    against = request.args.get("against", type=int)
    if against is None:
        against = max(number - 1, 1)
    return jsonify(studio.diff(service, against, number))


@api_bp.get("/process-models/<service>/versions/<int:number>/bundle")
@access(roles=policy.MODEL_READERS)
def version_bundle(service, number):
    files, version = studio.current_files(service, number)
    return send_file(io.BytesIO(bundle.to_zip(files)), mimetype="application/zip", as_attachment=True,
                     download_name=f"{service}-v{version.version}.zip")


@api_bp.post("/services")
@access(roles=policy.CATALOGUE_EDITORS)
def create_service():
    service = catalogue.create_service(current_actor(), json_body())
    return jsonify({**service.to_api(), "active": service.active}), 201


@api_bp.patch("/services/<key>")
@access(roles=policy.CATALOGUE_EDITORS)
def update_service(key):
    service = catalogue.update_service(current_actor(), key, json_body())
    return jsonify({**service.to_api(), "active": service.active})
