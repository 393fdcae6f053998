"""Certificates: public lookup and verification, download, revocation, trust root; the receipt."""
import io

from flask import current_app, jsonify, request, send_file

from .. import clock, policy
from ..accounts import ratelimit
from ..certificates import lookup
from ..certificates.statuslist import VC_JWT
from ..errors import Invalid
from ..intake import records
from . import api_bp
from .edge import PUBLIC, access, current_actor, json_body, settings


def _pdf(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api_bp.get("/applications/<ain>/acknowledgement.pdf")
@access()
def acknowledgement(ain):
    application = records.find_by_ain(ain)
    policy.check(current_actor(), "application.view", application)
    return _pdf(lookup.acknowledgement_for(application, settings()), f"acknowledgement-{application.ain}.pdf")


@api_bp.get("/certificates/<uin>")
@access(PUBLIC)
def certificate(uin):
    ratelimit.public_lookup("verify-ip", request.remote_addr, settings())
    return jsonify(lookup.public_record(lookup.get(uin), settings()))


@api_bp.get("/certificates/<uin>.pdf")
@access()
def certificate_pdf(uin):
    found, data = lookup.pdf_bytes(current_actor(), uin, settings())
    return _pdf(data, f"{found.uin}.pdf")


@api_bp.post("/certificates/verify")
@access(PUBLIC)
def verify_upload():
    ratelimit.public_lookup("verify-ip", request.remote_addr, settings())
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Attach the certificate PDF as multipart field 'file'.", fields={"file": "is required"})
    return jsonify(lookup.verify_upload(upload.read(), settings()))


@api_bp.post("/certificates/<uin>/revoke")
@access(roles=policy.REVOKERS)
def revoke(uin):
    body = json_body()
    unknown = sorted(set(body) - {"reason"})
    if unknown:
        raise Invalid("Send only a reason.", fields={k: "is not a field of this request" for k in unknown})
    revoked = lookup.revoke(current_actor(), uin, body.get("reason"), clock.now())
    return jsonify(lookup.public_record(revoked, settings()))


@api_bp.get("/status-lists/<list_id>")
@access(PUBLIC)
def status_list(list_id):
    """W3C Bitstring Status List of a district (revocation bits of its certificates): signed
    (``application/vc+jwt``, VC-JOSE-COSE) when the client asks for it, else the plain JSON."""
    if request.accept_mimetypes.best_match(["application/json", VC_JWT]) == VC_JWT:
        response = current_app.response_class(lookup.signed_status_list(list_id, settings()), mimetype=VC_JWT)
    else:
        response = jsonify(lookup.status_list(list_id, settings()))
        response.headers["Link"] = f'<{request.base_url}>; rel="alternate"; type="{VC_JWT}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept")
    return response


@api_bp.get("/signing/trust-root.pem")
@access(PUBLIC)
def trust_root():
    response = send_file(io.BytesIO(lookup.trust_root(settings())), mimetype="application/x-pem-file",
                         download_name="pravah-trust-root.pem")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
