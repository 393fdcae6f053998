"""Documents on an application, their download, and the caller's own document repository."""
import io

from flask import jsonify, request, send_file

from ..errors import Invalid
from ..intake import application_documents as docs
from ..storage import storage_for
from ..intake.document_checks import download_name
from . import api_bp
from .edge import access, current_actor, page_body, paging, settings


@api_bp.post("/applications/<ain>/documents")
@access()
def add_application_document(ain):
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Attach the file as multipart field 'file'.", fields={"file": "is required"})
    cfg = settings()
    document = docs.add_document(current_actor(), ain, request.form.get("type", "").strip(), upload.filename,
                                 upload.stream, storage=storage_for(cfg), max_bytes=cfg["MAX_UPLOAD_BYTES"],
                            daily_quota=cfg["DAILY_UPLOAD_QUOTA"])
    return jsonify(docs.document_api(document)), 201


@api_bp.get("/applications/<ain>/documents/<int:document_id>")
@access()
def download_application_document(ain, document_id):
    document, content = docs.application_document(current_actor(), ain, document_id, storage_for(settings()))
    return send_file(io.BytesIO(content), mimetype=document.mime, as_attachment=True,
                     download_name=download_name(document), max_age=0)


@api_bp.get("/documents")
@access()
def list_my_documents():
    page, per_page = paging()
    items, total = docs.my_documents(current_actor(), page, per_page)
    return jsonify(page_body([docs.document_api(d) for d in items], page, per_page, total))
