"""Submitting and resubmitting applications."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..formschema import field_errors
from ..inputs import text_problems
from ..models import Application, ApplicationDocument, Service
from ..models.application import CHANNELS
from ..models.geography import load_with_ancestors
from ..processes import runner
from ..processes.deploy import active_version
from ..serials import next_value
from . import aadhaar, ain as ain_codes
from .documents import owned_documents
from .records import find_by_ain

_TOP = {"service", "channel", "tatkal", "applicant", "location", "data", "documents"}
_APPLICANT = {"name", "mobile", "email", "aadhaar", "language"}


def submit(actor, payload: dict, *, idempotency_key: str | None, settings) -> Application:
    """Validate and submit an application; start its process.

    :param actor: the submitting :class:`~app.accounts.actor.Actor` (OPERATOR, CITIZEN or an API key).
    :param idempotency_key: a repeated key from the same submitter returns the first application.
    :raises Invalid: with field errors and, when documents are missing, ``missing_documents``.
    """
    policy.require_role(actor, (*policy.SUBMITTERS, policy.API_KEY),
                        "Only citizens, operators and partner systems can submit applications.")
    if idempotency_key:
        if len(idempotency_key) > 100:
            raise Invalid("Idempotency-Key is too long.", fields={"Idempotency-Key": "at most 100 characters"})
        existing = db.session.scalar(select(Application).where(
            Application.created_by_id == actor.id, Application.idempotency_key == idempotency_key))
        if existing is not None:
            return existing
    service, version, location, applicant, errors = _check_envelope(actor, payload)
    form_schema = version.forms.get(service.key) if version else None
    if form_schema is not None:
        errors.update(field_errors(form_schema, payload.get("data", {})))
    documents = []
    if "documents" in payload:
        try:
            documents = owned_documents(actor.user, payload["documents"])
        except Invalid as exc:
            errors.update(exc.fields)
    missing = []
    if service is not None:
        given = {doc_type for doc_type, _ in documents}
        missing = [d for d in service.documents if d.get("required") and d["type"] not in given]
    if errors or missing:
        extra = {"missing_documents": [{"type": d["type"], "name": d["name"]} for d in missing]} if missing else {}
        for d in missing:
            errors[f"documents.{d['type']}"] = f"required document missing: {d['name']}"
        raise Invalid("The application is not complete. Please correct the fields listed.", fields=errors, **extra)

    now = clock.now()
    application = Application(
        ain=_new_ain(service, now.year), service=service, applicant_name=applicant["name"].strip(),
        applicant_mobile=applicant.get("mobile"), applicant_email=applicant.get("email"),
        language=applicant.get("language") or "en", location_id=location.id, location=location,
        channel=_channel(actor, payload), status="SUBMITTED", tatkal=bool(payload.get("tatkal")) and service.tatkal_available,
        data=payload.get("data", {}), submitted_at=now, updated_at=now, created_by_id=actor.id,
        applicant_user_id=actor.id if actor.has_role("CITIZEN") and not actor.channel else None,
        idempotency_key=idempotency_key, sla_clock=None)   # new: no clock to read back yet
    if applicant.get("aadhaar"):
        application.aadhaar_masked, application.aadhaar_hash = aadhaar.protect(applicant["aadhaar"], settings["AADHAAR_KEY"])
    db.session.add(application)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # The same Idempotency-Key raced in from another worker: answer with the first one.
        existing = db.session.scalar(select(Application).where(
            Application.created_by_id == actor.id, Application.idempotency_key == idempotency_key))
        if existing is None:
            raise
        return existing
    for doc_type, document in documents:
        db.session.add(ApplicationDocument(application_id=application.id, document_id=document.id, type=doc_type,
                                           added_at=now, added_by_id=actor.id))
    runner.start_application(application, version, actor, settings)
    audit("submitted", "application", application.ain, actor=actor, role=actor.primary_role,
          stage=application.stage, data={"channel": application.channel})
    return application


def _check_envelope(actor, payload):
    errors = {}
    if not isinstance(payload, dict):
        raise Invalid("The body must be a JSON object.")
    for name in sorted(set(payload) - _TOP):
        errors[name] = "unknown field"
    service = version = location = None
    key = payload.get("service")
    if not isinstance(key, str) or not key:
        errors["service"] = "is required"
    else:
        service = db.session.scalar(select(Service).where(Service.key == key, Service.active.is_(True)))
        version = active_version(key) if service else None
        if service is None or version is None:
            errors["service"] = "no such service is open for applications"
            service = None
    applicant = payload.get("applicant")
    if not isinstance(applicant, dict):
        errors["applicant"] = "is required"
        applicant = {}
    else:
        for name in sorted(set(applicant) - _APPLICANT):
            errors[f"applicant.{name}"] = "unknown field"
        name = applicant.get("name")
        if not isinstance(name, str) or not 2 <= len(name.strip()) <= 200:
            errors["applicant.name"] = "is required (2–200 characters)"
        for key, problem in text_problems({k: v for k, v in applicant.items() if k in _APPLICANT},
                                          prefix="applicant.", single_line=_APPLICANT).items():
            errors.setdefault(key, problem)
        mobile = applicant.get("mobile")
        if mobile is not None and (not isinstance(mobile, str) or not _valid_mobile(mobile)):
            errors["applicant.mobile"] = "must be a 10-digit Indian mobile number"
        email = applicant.get("email")
        if email is not None and (not isinstance(email, str) or "@" not in email or len(email) > 200):
            errors["applicant.email"] = "must be an email address"
        if applicant.get("language", "en") not in ("en", "bn"):
            errors["applicant.language"] = "must be en or bn"
        if applicant.get("aadhaar") not in (None, ""):
            number = aadhaar.normalise(str(applicant["aadhaar"]))
            if number is None:
                errors["applicant.aadhaar"] = "is not a valid Aadhaar number"
            applicant = {**applicant, "aadhaar": number}
    loc = payload.get("location")
    if not isinstance(loc, dict) or set(loc) - {"lgd_code"} or not isinstance(loc.get("lgd_code"), str):
        errors["location"] = "must be {\"lgd_code\": \"...\"}"
    else:
        # with its parents: the SLA calendar, the office and the status list walk up to the state
        location = load_with_ancestors(db.session, lgd_code=loc["lgd_code"])
        if location is None or location.level not in ("GP", "WARD"):
            errors["location.lgd_code"] = "must be the LGD code of a Gram Panchayat or ward"
            location = None
    channel = payload.get("channel")
    if channel is not None and channel not in CHANNELS:
        errors["channel"] = "must be one of " + ", ".join(CHANNELS)
    elif actor.channel and channel not in (None, actor.channel):
        errors["channel"] = f"this API key submits on the {actor.channel} channel"
    if "tatkal" in payload and not isinstance(payload["tatkal"], bool):
        errors["tatkal"] = "must be true or false"
    if "data" not in payload:
        errors["data"] = "is required"
    return service, version, location, applicant, errors


def _valid_mobile(mobile: str) -> bool:
    digits = mobile[3:] if mobile.startswith("+91") else mobile
    return len(digits) == 10 and digits.isdigit() and digits[0] in "6789"


def _channel(actor, payload) -> str:
    if actor.channel:
        return actor.channel
    if payload.get("channel"):
        return payload["channel"]
    return "WEB" if actor.has_role("CITIZEN") else "CSC"


def _new_ain(service: Service, year: int) -> str:
    while True:
        serial = next_value(f"ain:{service.department.code}{service.service_code}:{year}")
        ain = ain_codes.make(service.department.code, service.service_code, year, serial)
        if ain:
            return ain


def resubmit(actor, ain: str, payload: dict, settings) -> Application:
    """The applicant (or the submitter) corrects the form of an application that was sent back."""
    application = find_by_ain(ain)
    if application is None or not policy.may(actor, "application.as_applicant", application):
        raise NotFound("There is no such application of yours.")
    if not isinstance(payload, dict) or set(payload) - {"data", "remarks"}:
        raise Invalid("Send only the corrected form as data.",
                      fields={k: "unknown field" for k in set(payload or {}) - {"data", "remarks"}})
    if application.status != "SENT_BACK":
        raise Conflict("This application is not waiting for a correction.", code="not_sent_back")
    form_schema = application.instance.version.forms.get(application.service.key)
    data = payload.get("data")
    errors = field_errors(form_schema, data) if form_schema else {}
    errors.update(text_problems({"remarks": payload.get("remarks")}))
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    runner.resubmit(application, actor, data, payload.get("remarks"), settings)
    return application
