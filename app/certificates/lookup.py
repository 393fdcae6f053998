"""Finding, showing, downloading, verifying and revoking issued certificates; the receipt.

Plain operations for the API (app/api/certificates.py) and the web pages: they take an explicit
actor, settings and clock value, raise ``app.errors`` exceptions and flush, never commit.
"""
import hashlib
import re
from pathlib import Path

from sqlalchemy import select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid, NotFound, UnsupportedType
from ..extensions import db
from ..inputs import check_text
from ..intake import records
from ..models import Certificate
from ..processes import hooks
from . import pki, statuslist
from .context import public_base_url, verify_url
from .operations import TemplateMissing, acknowledgement_pdf, certificate_pdf, keys_dir
from .qrkeys import NoQrKey, load_signing_key
from .uin import UIN_RE
from .verify import verify_pdf

#: The UIN printed in the signature's /Reason (operations.build_certificate_pdf).
_REASON_UIN = re.compile(r"\b([A-Z]{3}\d{13})\b")


class CannotSignList(Conflict):
    """No QR signing key is installed, so the status list cannot be served signed (409)."""
    code = "cannot_sign"


class Revoked(Conflict):
    code = "revoked"


def normalise_uin(raw: str | None) -> str | None:
    """Upper case without spaces or hyphens; None when it cannot be a UIN."""
    cleaned = re.sub(r"[\s-]", "", raw or "").upper()
    return cleaned if UIN_RE.fullmatch(cleaned) else None


def find(raw_uin: str) -> Certificate | None:
    uin = normalise_uin(raw_uin)
    if uin is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.uin == uin))


def get(raw_uin: str) -> Certificate:
    certificate = find(raw_uin)
    if certificate is None:
        raise NotFound("No certificate has this number. A certificate number (UIN) has 16 characters, "
                       "like PRD0012026000001.", code="unknown_uin")
    return certificate


def of_application(application) -> Certificate | None:
    """The latest certificate of an application (a revoked one stays visible as REVOKED)."""
    return db.session.scalar(select(Certificate).where(Certificate.application_id == application.id)
                             .order_by(Certificate.id.desc()).limit(1))


def public_record(certificate: Certificate, settings) -> dict:
    """What anyone may see: only what the certificate itself prints, and whether it still stands."""
    service = certificate.service
    issuer = certificate.issued_by
    return {
        "uin": certificate.uin, "status": certificate.status,
        "service": service.name, "service_bn": service.name_bn, "service_code": service.service_code,
        "department": service.department.name, "department_code": service.department.code,
        "applicant_name": certificate.application.applicant_name,
        "issued_at": clock.iso(certificate.issued_at),
        "issued_by": issuer.name if issuer is not None else certificate.signer_name,
        "signed_by": certificate.signer_name,
        "revoked_at": clock.iso(certificate.revoked_at),
        "verify_url": verify_url(settings, certificate.uin),
        "issuing_office": getattr(certificate.issuing_office, "name", None),
        "credential_status": statuslist.entry(public_base_url(settings), certificate),
    }


def pdf_bytes(actor, raw_uin: str, settings) -> tuple[Certificate, bytes]:
    """The signed PDF, for the applicant, the submitter and the officers of its offices.

    :raises NotFound: unknown UIN, or not the caller's to see (the same answer, so UINs cannot be probed).
    :raises Revoked: a revoked certificate is no longer handed out.
    """
    certificate = find(raw_uin)
    if certificate is None or not policy.may(actor, "application.view", certificate.application):
        raise NotFound("There is no such certificate that you may download.", code="unknown_uin")
    if certificate.status == "REVOKED":
        raise Revoked(f"Certificate {certificate.uin} was revoked on "
                      f"{clock.as_utc(certificate.revoked_at):%d-%m-%Y}; it can no longer be downloaded.")
    return certificate, stored_pdf(certificate, settings)


def stored_pdf(certificate: Certificate, settings) -> bytes:
    """The signed PDF as issued, re-hashed. :raises Conflict: the stored copy does not match the record."""
    data = certificate_pdf(settings, certificate)
    if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256:
        raise Conflict("The stored copy of this certificate is damaged. Please contact the issuing office.",
                       code="file_damaged")
    return data


def status_list(list_id: str, settings) -> dict:
    """The district's Bitstring Status List credential. :raises NotFound: no certificate uses it."""
    found = statuslist.credential(db.session, public_base_url(settings), list_id)
    if found is None:
        raise NotFound("There is no status list with this id.", code="unknown_status_list")
    return found


def signed_status_list(list_id: str, settings) -> str:
    """The same credential signed with the QR key (VC-JOSE-COSE compact JWS, docs/qr-payload.md).

    :raises NotFound: no certificate uses the list. :raises CannotSignList: no QR key installed.
    """
    credential = status_list(list_id, settings)
    try:
        key = load_signing_key(settings)
    except NoQrKey as exc:
        raise CannotSignList("This server has no key to sign status lists with yet.") from exc
    return statuslist.sign(credential, key)


def trust_root(settings) -> bytes:
    """PEM of the CA the signing keys chain to: ``SIGNING_TRUST_ROOT`` (a file) or the demo root."""
    configured = settings.get("SIGNING_TRUST_ROOT") if settings is not None else None
    path = Path(configured) if configured else keys_dir(settings) / "root.pem"
    if not path.exists():
        raise NotFound("No signing trust root is set up on this server yet.", code="no_trust_root")
    return path.read_bytes() if configured else pki.trust_root_pem(path.parent)


def verify_upload(data: bytes, settings) -> dict:
    """Check an uploaded certificate PDF: signature (trusted, intact, covering the whole file),
    byte-for-byte match with the issued record, and revocation.

    :returns: ``{"valid", "signature_valid", "signed_by", "matches_record", "uin", "status", "problems"}``;
        ``valid`` is the bottom line: all three checks hold.
    """
    if not data:
        raise Invalid("Attach the certificate PDF as multipart field 'file'.", fields={"file": "is required"})
    if not data.lstrip()[:5] == b"%PDF-":
        raise UnsupportedType("This file is not a PDF. Upload the certificate PDF as downloaded.")
    result = verify_pdf(data, trust_root(settings))
    sha = hashlib.sha256(data).hexdigest()
    certificate = db.session.scalar(select(Certificate).where(Certificate.pdf_sha256 == sha))
    uin = certificate.uin if certificate else _uin_from_reason(data)
    if certificate is None and uin:
        known = db.session.scalar(select(Certificate).where(Certificate.uin == uin))
        status = known.status if known else None
    else:
        status = certificate.status if certificate else None
    problems = _problems(result, certificate is not None, status)
    return {"valid": not problems, "signature_valid": bool(result["valid"]), "signed_by": result["signed_by"],
            "matches_record": certificate is not None, "uin": uin, "status": status, "problems": problems,
            "signed_at": result["signed_at"], "covers_whole_file": result["covers_whole_file"],
            "modification_level": result["modification_level"]}


def _problems(result: dict, matches: bool, status: str | None) -> list[str]:
    problems = []
    if not result["signature_count"]:
        problems.append("The file carries no digital signature.")
    elif not result["intact"]:
        problems.append("The file was changed after it was signed.")
    elif not result["trusted"]:
        problems.append("The signature does not come from a trusted signing authority.")
    elif not result["covers_whole_file"] or not result["valid"]:
        problems.append("Something was added to the file after it was signed.")
    if not matches:
        problems.append("The file is not a certificate issued by this system, byte for byte.")
    if status == "REVOKED":
        problems.append("The certificate has been revoked.")
    return problems


def _uin_from_reason(data: bytes) -> str | None:
    """The UIN a signed file names in its signature's reason (read even when the file was altered)."""
    match = re.search(rb"/Reason\s*\(([^)]{0,200})\)", data)
    found = _REASON_UIN.search(match.group(1).decode("latin-1")) if match else None
    return found.group(1) if found else None


def revoke(actor, raw_uin: str, reason: str | None, now) -> Certificate:
    """Revoke a certificate: only a DM of the district where the application's location lies.

    :raises Forbidden: the caller is not a DM of that district.
    :raises Invalid: no reason given. :raises Conflict: already revoked.
    """
    certificate = get(raw_uin)
    policy.check(actor, "certificate.revoke", certificate)
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid("Give the reason for the revocation.", fields={"reason": "is required"})
    if len(reason) > 2000:
        raise Invalid("The reason is too long (2000 characters at most).", fields={"reason": "too long"})
    check_text("reason", reason)
    if certificate.status == "REVOKED":
        raise Conflict(f"Certificate {certificate.uin} is already revoked.", code="already_revoked")
    certificate.revoke(actor.user, now, reason)
    audit("revoked", "certificate", certificate.uin, actor=actor, remarks=reason.strip(), at=now,
          data={"ain": certificate.application.ain})
    db.session.flush()
    hooks.emit("certificate_revoked", certificate=certificate, reason=reason.strip(), actor=actor, now=now)
    return certificate


def may_revoke(actor, certificate: Certificate | None) -> bool:
    """Whether ``actor`` may revoke ``certificate`` now (what :func:`revoke` enforces, for pages)."""
    return certificate is not None and certificate.status == "VALID" and \
        policy.may(actor, "certificate.revoke", certificate)


def acknowledgement_for(application, settings) -> bytes:
    """The submission receipt PDF (AIN, service, applicant, documents, expected date, tracking QR).

    :raises Conflict: ``no_receipt_template`` when neither the application's version nor the
        service's active version carries ``acknowledgement.typ``.
    """
    try:
        return acknowledgement_pdf(application, settings, expected_at=records.expected_by(application))
    except TemplateMissing as exc:
        raise Conflict("The receipt cannot be printed: this service's process version has no receipt "
                       "template. The application itself is recorded; ask the process analyst to add "
                       "the template.", code="no_receipt_template") from exc
