"""Rendering a queued notification's text at its first dispatch, from its params and what is known
by then: the officer's remarks (recorded just after the change) and the certificate's UIN."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Certificate
from . import templates
from .outbox import sentence

REDACTED = "[one-time code removed after sending]"


def remarks_for(row) -> str | None:
    """The remarks of the first audit event of the named action after the change was queued: after the
    event whose hash was the chain's head then (``audit_after_hash``; rows queued before the head was
    kept on the application carry the last event's id, ``audit_after_id``)."""
    params = row.params or {}
    of_application = (AuditEvent.object_type == "application", AuditEvent.object_key == params.get("ain"))
    if "audit_after_id" in params:
        after = int(params.get("audit_after_id") or 0)
    else:
        after = func.coalesce(select(AuditEvent.id).where(
            *of_application, AuditEvent.hash == params.get("audit_after_hash")).scalar_subquery(), 0)
    return db.session.scalar(select(AuditEvent.remarks).where(
        *of_application, AuditEvent.action == params["remarks_action"], AuditEvent.id > after)
        .order_by(AuditEvent.id).limit(1))


def render_row(row, config) -> tuple[str | None, str]:
    """:returns: ``(subject, body)`` for a row queued with params (and no body yet)."""
    params = {k: ("" if v is None else str(v)) for k, v in (row.params or {}).items()}
    language = row.language or "en"
    base = (config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    template = row.event
    rule = templates.event_rule(row.event, config)
    if params.get("ain"):
        params.setdefault("track_url", f"{base}/track?ain={params['ain']}")
    if params.get("remarks_action"):
        params["remarks"] = sentence(remarks_for(row)) or templates.default_text("remarks", language, config)
    if row.application_id is not None and row.event in ("approved", "delivered"):
        uin = db.session.scalar(select(Certificate.uin).where(
            Certificate.application_id == row.application_id, Certificate.status == "VALID")
            .order_by(Certificate.id.desc()).limit(1))
        if uin:
            params.update(uin=uin, download_url=f"{base}/applications/{params.get('ain', '')}/certificate.pdf")
            template = rule.get("template_with_certificate", template)
        else:
            params.setdefault("uin", "-")
            params.setdefault("download_url", f"{base}/track?ain={params.get('ain', '')}")
    params.setdefault("public_url", base)
    return templates.render(template, language, params, config)
