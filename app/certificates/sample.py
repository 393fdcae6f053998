"""Sample data for compiling a template without an application: the upload check and the preview.

The sample is built exactly as a real certificate's (:func:`.context.certificate_context` on
stand-ins), with every field the service's forms declare filled from the form's own schema
(examples, defaults, enums, else a value of the right type), one entry per list.
"""
from datetime import datetime, timezone
from types import SimpleNamespace as NS

from ..engine import sample_from_schema
from .qrkeys import sample_key
from .context import (acknowledgement_context, acknowledgement_images, asks_for_photo, certificate_context,
                      certificate_images)
from .photo import sample_photo

SAMPLE_ISSUED_AT = datetime(2026, 1, 15, 6, 30, tzinfo=timezone.utc)
SAMPLE_NAME = "নিবেদিতা সেন (Nibedita Sen)"


def _sample(schema, depth: int = 0):
    """Like the engine's sample, but a list gets one sample item (so a table shows a row)."""
    if not isinstance(schema, dict) or depth > 6:
        return None
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "array" and not any(k in schema for k in ("const", "default", "examples", "enum")):
        item = _sample(schema.get("items") or {}, depth + 1)
        return [] if item is None else [item]
    if (kind == "object" or "properties" in schema) and not any(k in schema for k in ("const", "default", "examples")):
        return {k: _sample(v, depth + 1) for k, v in (schema.get("properties") or {}).items()}
    return sample_from_schema(schema)


def declared_fields(forms: dict) -> set[str]:
    """Every property name any form of the version declares (nested objects and list items too)."""
    names: set[str] = set()

    def walk(schema, depth=0):
        if not isinstance(schema, dict) or depth > 8:
            return
        for name, sub in (schema.get("properties") or {}).items():
            names.add(name)
            walk(sub, depth + 1)
        walk(schema.get("items"), depth + 1)

    for schema in (forms or {}).values():
        walk(schema)
    return names


def sample_form_data(service_key: str, forms: dict) -> dict:
    data = _sample((forms or {}).get(service_key) or {}) or {}
    return data if isinstance(data, dict) else {}


def _service(service_key: str, service) -> NS:
    department = getattr(service, "department", None)
    return NS(id=getattr(service, "id", 0), key=service_key, name=getattr(service, "name", None) or service_key,
              name_bn=getattr(service, "name_bn", None), service_code=getattr(service, "service_code", None) or "000",
              bilingual=bool(getattr(service, "bilingual", True)), documents=list(getattr(service, "documents", None) or []),
              department=NS(code=getattr(department, "code", None) or "XXX",
                            name=getattr(department, "name", None) or "Department",
                            name_bn=getattr(department, "name_bn", None)))


def sample_application(service_key: str, forms: dict, service=None) -> NS:
    office = NS(id=1, code="SAMPLE-BLOCK", name="Sample Block Development Office",
                name_bn="নমুনা সমষ্টি উন্নয়ন দপ্তর", level="BLOCK")
    district = NS(level="DISTRICT", name="Sample District", name_bn="নমুনা জেলা", code="000", parent=None)
    location = NS(level="GP", name="Sample Gram Panchayat", name_bn="নমুনা গ্রাম পঞ্চায়েত", code="000000",
                  parent=NS(level="BLOCK", name="Sample Block", name_bn="নমুনা ব্লক", code="0000", parent=district))
    svc = _service(service_key, service)
    return NS(id=0, ain="AIN-SAMPLE-0000-000001", service=svc, processing_office=office, location=location,
              applicant_name=SAMPLE_NAME, data=sample_form_data(service_key, forms), channel="CSC",
              submitted_at=SAMPLE_ISSUED_AT,
              documents=[NS(type=d.get("type")) for d in svc.documents if isinstance(d, dict)])


def sample_certificate(service_key: str, forms: dict, service=None, settings=None) -> tuple[dict, dict]:
    """``(context, images)`` for ``<service_key>.typ``."""
    application = sample_application(service_key, forms, service)
    officer = NS(id=0, username="sample.officer", name="Sample Officer", postings=[])
    uin = f"{application.service.department.code}{application.service.service_code}2026000001"
    context = certificate_context(application, officer, uin, SAMPLE_ISSUED_AT, settings,
                                  office=application.processing_office, role="BDO", qr_key=sample_key())
    if asks_for_photo(application.service):  # a template that prints the photo must compile in the check
        context["applicant"]["photo"] = sample_photo()
    return context, certificate_images(context, settings)


def sample_acknowledgement(service_key: str, forms: dict, service=None, settings=None) -> tuple[dict, dict]:
    application = sample_application(service_key, forms, service)
    context = acknowledgement_context(application, settings, SAMPLE_ISSUED_AT)
    return context, acknowledgement_images(context, settings)
