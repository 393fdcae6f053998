"""DigiLocker pulls: find the certificate a citizen asks for, answer with its PDF and its data.

DigiLocker calls us (docs/digilocker.md): ``pull_uri`` when a citizen searches by certificate number
(UDF1 = UIN) and name, ``pull_doc`` when the citizen opens a URI already in the locker. A
certificate is handed out only while VALID; a revoked or unknown one, a name that does not match or a
document type that is not the certificate's service answers ``ResponseStatus`` 0. Read-only.
"""
import hashlib
import hmac
import re
import unicodedata

from .. import clock
from ..certificates import lookup
from ..models import Certificate
from . import xmlio

FORMATS = ("pdf", "xml", "both")
#: Form fields that never leave through DigiLocker (the certificate does not print them).
_PRIVATE_FIELD = re.compile(r"aadhaar|uid|mobile|email|^_", re.IGNORECASE)


def expected_hmac(body: bytes, api_key: str) -> str:
    """What DigiLocker sends in ``x-digilocker-hmac``: base64 of HMAC-SHA256 of the raw body."""
    return xmlio.b64(hmac.new(api_key.encode("utf-8"), body, hashlib.sha256).digest())


def hmac_ok(body: bytes, header: str | None, api_key: str | None) -> bool:
    return bool(api_key and header) and hmac.compare_digest(expected_hmac(body, api_key), header.strip())


def same_name(a: str | None, b: str | None) -> bool:
    """Names equal after Unicode normalisation, case folding, and ignoring dots and extra spaces."""
    def norm(text):
        text = unicodedata.normalize("NFKC", text or "").casefold().replace(".", " ")
        return " ".join(text.split())
    return bool(norm(a)) and norm(a) == norm(b)


def uri_of(settings, certificate: Certificate) -> str:
    return f"{settings['DIGILOCKER_ISSUER_ID']}-{certificate.service.digilocker_doc_type}-{certificate.uin}"


def _valid_certificate(doc_type: str, raw_uin: str) -> Certificate | None:
    certificate = lookup.find(raw_uin)
    if certificate is None or certificate.status != "VALID":
        return None
    if not doc_type or certificate.service.digilocker_doc_type != doc_type:
        return None
    return certificate


def _contents(certificate: Certificate, settings, fmt: str) -> dict:
    out = {}
    if fmt in ("pdf", "both"):
        out["DocContent"] = xmlio.b64(lookup.stored_pdf(certificate, settings))
    if fmt in ("xml", "both"):
        out["DataContent"] = xmlio.b64(certificate_data(certificate))
    return out


def certificate_data(certificate: Certificate) -> bytes:
    """The certificate's fields as XML (``DataContent`` before base64)."""
    service = certificate.service
    application = certificate.application
    office = certificate.issuing_office
    record = {"number": certificate.uin, "type": service.digilocker_doc_type, "name": service.name,
              "serviceCode": service.service_code, "departmentCode": service.department.code,
              "department": service.department.name, "issuedTo": application.applicant_name,
              "issuingOffice": getattr(office, "name", None), "issuedAt": clock.iso(certificate.issued_at),
              "signedBy": certificate.signer_name, "status": certificate.status}
    fields = {k: v for k, v in (application.data or {}).items() if not _PRIVATE_FIELD.search(str(k))}
    return xmlio.certificate_data(record, fields)


def _format(attrs: dict) -> str:
    fmt = (attrs.get("format") or "both").lower()
    return fmt if fmt in FORMATS else "both"


def pull_uri(body: bytes, settings) -> bytes:
    """Answer a ``PullURIRequest``: status 1 with URI, PDF and data when UIN, name and type match.

    :raises xmlio.BadRequestXml: the body is not a safe, well-formed PullURIRequest.
    """
    attrs, details = xmlio.parse_request(body, "PullURIRequest")
    doc_type = details.get("DocType", "")
    certificate = _valid_certificate(doc_type, details.get("UDF1", ""))
    echo = {k: details.get(k) for k in ("DocType", "DigiLockerId", "UID", "FullName", "DOB", "UDF1")}
    if certificate is None or not same_name(details.get("FullName"), certificate.application.applicant_name):
        return xmlio.pull_uri_response(0, attrs, echo)
    echo["URI"] = uri_of(settings, certificate)
    return xmlio.pull_uri_response(1, attrs, {**echo, **_contents(certificate, settings, _format(attrs))})


def pull_doc(body: bytes, settings) -> bytes:
    """Answer a ``PullDocRequest`` for ``<issuer id>-<doc type>-<UIN>``: the document while it is valid.

    :raises xmlio.BadRequestXml: the body is not a safe, well-formed PullDocRequest.
    """
    attrs, details = xmlio.parse_request(body, "PullDocRequest")
    uri = details.get("URI", "")
    issuer, doc_type, uin = _split_uri(uri, settings["DIGILOCKER_ISSUER_ID"])
    certificate = _valid_certificate(doc_type, uin) if issuer else None
    if certificate is None:
        return xmlio.pull_doc_response(0, attrs, {"URI": uri})
    return xmlio.pull_doc_response(1, attrs, {"URI": uri, **_contents(certificate, settings, _format(attrs))})


def _split_uri(uri: str, issuer_id: str) -> tuple[str | None, str, str]:
    prefix = f"{issuer_id}-"
    if not uri.startswith(prefix):
        return None, "", ""
    doc_type, _, uin = uri[len(prefix):].partition("-")
    return issuer_id, doc_type, uin

