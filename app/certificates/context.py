"""Template contexts for a certificate and an acknowledgement, built from plain attributes.

Works on the ORM objects (Application → Service → Department, processing Office, User) and on any
object with the same attribute names, so the renderer can be tested and benchmarked without a DB.
"""
from datetime import datetime

from ..intake.documents import document_key
from .photo import photo_input
from .qr import qr_svg_at_least, qr_version_setting
from .qrkeys import load_signing_key
from .qrpayload import claims_for, qr_url
from .security import microtext, seal_fingerprint, seal_svg
from .timefmt import ist_display

DESIGNATIONS = {
    "PRADHAN": ("Pradhan, Gram Panchayat", "প্রধান, গ্রাম পঞ্চায়েত"),
    "BDO": ("Block Development Officer", "সমষ্টি উন্নয়ন আধিকারিক"),
    "SDO": ("Sub-Divisional Officer", "মহকুমা শাসক"),
    "DM": ("District Magistrate", "জেলা শাসক"),
}


def _setting(settings, key, default=None):
    return (settings or {}).get(key, default) if hasattr(settings or {}, "get") else default


def public_base_url(settings) -> str:
    return str(_setting(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:5000")).rstrip("/")


def verify_url(settings, uin: str) -> str:
    return f"{public_base_url(settings)}/verify/{uin}"


def tracking_url(settings, ain: str) -> str:
    """The public tracking page (app/web/public.py ``/track?ain=``)."""
    return f"{public_base_url(settings)}/track?ain={ain}"


def officer_details(officer_user, office, role: str | None = None) -> dict:
    """Name, designation and office of the signing officer.

    ``office``/``role`` are those of the posting that approved (the work item's office and lane);
    without a role, the officer's posting at ``office`` (first posting otherwise) names it.
    """
    if role is None:
        postings = list(getattr(officer_user, "postings", None) or [])
        office_id = getattr(office, "id", None)
        posting = next((p for p in postings if getattr(p, "office_id", None) == office_id), None)
        posting = posting or (postings[0] if postings else None)
        role = getattr(posting, "role", None)
    en, bn = DESIGNATIONS.get(role, (role.title() if role else "Authorised Officer", None))
    return {"name": officer_user.name, "designation": en, "designation_bn": bn,
            "office": getattr(office, "name", "") or "", "office_bn": getattr(office, "name_bn", None)}


def qr_image(text: str, settings=None) -> str:
    """The QR symbol for ``text`` as SVG (the one call into app/certificates/qr.py for drawing)."""
    return qr_svg_at_least(text, qr_version_setting(settings))


def _names(obj) -> dict:
    return {"name": getattr(obj, "name", "") or "", "name_bn": getattr(obj, "name_bn", None),
            "code": getattr(obj, "code", None)}


def location_names(location) -> dict:
    """``{"gp": {...}, "block": {...}, "district": {...}, …}`` for the applicant's place and its parents."""
    names = {}
    node = location
    while node is not None:
        names.setdefault(str(getattr(node, "level", "")).lower(), _names(node))
        node = getattr(node, "parent", None)
    return names


#: "son of / daughter of…" before the father's or husband's name, from the form's ``gender`` field.
_RELATIONS = {"male": ("son of", "পুত্র, পিতা"), "female": ("daughter/wife of", "কন্যা/স্ত্রী, পিতা/স্বামী")}


def relation(gender) -> dict:
    """``{"en", "bn"}`` wording of the applicant's relation to the guardian named on the form."""
    en, bn = _RELATIONS.get(str(gender or "").lower(), ("son/daughter/wife of", "পিতা/স্বামী"))
    return {"en": en, "bn": bn}


#: The document type of the applicant's photograph in the catalogue.
PHOTO_DOCUMENT = "photograph"


def asks_for_photo(service) -> bool:
    """Whether the service's catalogue entry lists a photograph among its documents."""
    return any(isinstance(d, dict) and d.get("type") == PHOTO_DOCUMENT
               for d in (getattr(service, "documents", None) or []))


def applicant_photo(application, settings=None) -> dict | None:
    """The applicant's photograph for a certificate whose service asks for one: the uploaded
    ``photograph`` document when it is an image, as ``{"document_id", "mime", "sha256", "key"}``
    (``key``: where the storage backend keeps its bytes, app/storage). :func:`certificate_images` reads
    it for the ``photo`` input; ``_layout.typ`` prints it beside the facts."""
    if not asks_for_photo(application.service):
        return None
    link = next((d for d in reversed(list(getattr(application, "documents", None) or []))
                 if d.type == PHOTO_DOCUMENT and getattr(d, "document", None) is not None
                 and (d.document.mime or "").startswith("image/")), None)
    if link is None:
        return None
    sha = link.document.sha256
    return {"document_id": link.document_id, "mime": link.document.mime, "sha256": sha,
            "key": document_key(sha)}


def certificate_context(application, officer_user, uin: str, issued_at: datetime, settings=None,
                        status_entry: tuple[str, int] | None = None, office=None, role: str | None = None,
                        qr_key=None) -> dict:
    """Everything ``certificate_templates/<service_key>.typ`` reads (JSON-able; images separate:
    :func:`certificate_images`).

    :param status_entry: ``(status list, index)`` of the revocation bit, signed into the QR.
    :param office: the office of the posting that approved (the issuing office, printed in the
        header and under the signature); default the application's processing office.
    :param role: the approving posting's role (its designation is printed).
    :param qr_key: the key signing the QR payload (default: the deployment's, ``qrkeys.load_signing_key``).
    """
    service = application.service
    department = service.department
    processing = application.processing_office
    office = office if office is not None else processing
    data = dict(application.data or {})
    applicant = {"name": application.applicant_name, "name_bn": data.get("applicant_name_bn"),
                 "relation": relation(data.get("gender")), "photo": applicant_photo(application, settings)}
    url = verify_url(settings, uin)
    qr_text = qr_url(url, claims_for(application, uin, issued_at, status_entry, office), qr_key or load_signing_key(settings))
    return {
        "bilingual": bool(service.bilingual),
        "service": {"key": service.key, "name": service.name, "name_bn": service.name_bn,
                    "code": service.service_code},
        "department": _names(department),
        "office": _names(office),
        "processing_office": _names(processing),
        "officer": officer_details(officer_user, office, role),
        "applicant": applicant,
        "location": location_names(getattr(application, "location", None)),
        "data": data,
        "uin": uin,
        "issued_at_display": ist_display(issued_at),
        "verify_url": url,
        "qr_payload": qr_text,
        "seal_fingerprint": seal_fingerprint(uin),
        "microtext": microtext(uin),
    }


def certificate_images(context: dict, settings=None) -> dict:
    """SVG inputs of a certificate: the QR of its payload, the seal derived from its UIN and, when the
    context names one, the applicant's photograph read from storage (:mod:`.photo`)."""
    return {"qr": qr_image(context["qr_payload"], settings), "seal": seal_svg(context["uin"]),
            **photo_input(context, settings)}


def acknowledgement_context(application, settings=None, expected_at: datetime | None = None) -> dict:
    """Everything ``certificate_templates/acknowledgement.typ`` reads; the QR links the tracker."""
    service = application.service
    names = {d.get("type"): d for d in (service.documents or [])}
    documents = []
    for link in getattr(application, "documents", None) or []:
        entry = names.get(link.type, {})
        documents.append({"name": entry.get("name") or link.type, "name_bn": entry.get("name_bn")})
    url = tracking_url(settings, application.ain)
    return {
        "bilingual": bool(service.bilingual),
        "service": {"key": service.key, "name": service.name, "name_bn": service.name_bn,
                    "code": service.service_code},
        "department": _names(service.department),
        "office": _names(application.processing_office),
        "applicant": {"name": application.applicant_name},
        "ain": application.ain,
        "channel": getattr(application, "channel", None),
        "submitted_at_display": ist_display(application.submitted_at),
        "expected_date_display": ist_display(expected_at)[:10] if expected_at else "—",
        "documents": documents,
        "tracking_url": url,
        "microtext": microtext(application.ain),
    }


def acknowledgement_images(context: dict, settings=None) -> dict:
    """Only the tracking URL in the receipt's QR: it carries no personal data."""
    return {"qr": qr_image(context["tracking_url"], settings)}
