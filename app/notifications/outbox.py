"""Writing notifications into the outbox, in the transaction of the change they report.

:func:`enqueue` is idempotent by ``dedupe_key`` (``INSERT … ON CONFLICT DO NOTHING``), so a second
emission of the same change cannot queue a second message. The hook listeners turn application
status changes and escalations into rows per recipient and channel; the body is rendered at the
first dispatch from the ``params`` stored here (plus the remarks and UIN known by then).
"""
import functools
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from .. import clock
from ..accounts.mobile import e164
from ..batch_cache import cached
from ..extensions import db
from ..models import Notification, Office, Posting, User
from . import templates

MOBILE_CHANNELS = ("sms", "whatsapp")


def enqueue(*, event: str, channel: str, to: str, dedupe_key: str, audience: str, language: str = "en",
            application_id: int | None = None, user_id: int | None = None, params: dict | None = None,
            body: str | None = None, subject: str | None = None, priority: int = 0,
            expires_at: datetime | None = None) -> bool:
    """Add one message to the outbox in the current transaction (flushes, never commits).

    :returns: False when a row with this ``dedupe_key`` exists already (nothing is added).
    """
    return enqueue_many([message(event=event, channel=channel, to=to, dedupe_key=dedupe_key, audience=audience,
                                 language=language, application_id=application_id, user_id=user_id, params=params,
                                 body=body, subject=subject, priority=priority, expires_at=expires_at)]) == 1


def message(*, event: str, channel: str, to: str, dedupe_key: str, audience: str, language: str = "en",
            application_id: int | None = None, user_id: int | None = None, params: dict | None = None,
            body: str | None = None, subject: str | None = None, priority: int = 0,
            expires_at: datetime | None = None) -> dict:
    """The outbox row of one message (for :func:`enqueue_many`)."""
    now = clock.now()
    return dict(dedupe_key=dedupe_key[:200], event=event, channel=channel, to=to, audience=audience,
                language=language if language in templates.LANGUAGES else "en", application_id=application_id,
                user_id=user_id, params=params or {}, body=body, subject=subject, priority=priority,
                status="pending", attempts=0, next_attempt_at=now, maybe_sent=False, expires_at=expires_at,
                created_at=now, updated_at=now)


def enqueue_many(rows: list[dict]) -> int:
    """Add messages (:func:`message` rows) in ONE statement; :returns: how many were new."""
    if not rows:
        return 0
    # On the transaction's connection, without the session's autoflush: every row it names by id
    # (application, user) has been written already (ids come from the database), and the change
    # being reported is flushed once, with its audit event, at the end of the request. The rows go
    # as parameters of one cached statement (sent as one multi-row INSERT: "insertmanyvalues").
    stmt = _insert_statement(db.session.get_bind().dialect.name)
    return len(db.session.connection().execute(stmt, rows).all())


@functools.cache
def _insert_statement(dialect: str):
    table = Notification.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)


def _settings():
    from flask import current_app, has_app_context
    return current_app.config if has_app_context() else {}


def application_params(application, language: str) -> dict:
    service = application.service
    bn = language == "bn"
    return {"ain": application.ain, "applicant_name": application.applicant_name,
            "service_name": (service.name_bn if bn and service.name_bn else service.name),
            "stage": (application.stage_bn if bn and application.stage_bn else application.stage) or "",
            "status": application.status}


def sentence(text: str | None) -> str:
    """Officer-written text without its closing stop (the template supplies one in its language)."""
    return (text or "").strip().rstrip(".।").strip()


def _change_number(application) -> int:
    """Which change of the application this is: its process instance's save counter."""
    instance = application.instance
    return instance.lock_version if instance is not None else 0


def on_status_changed(application, old, new, actor=None, **_) -> None:
    """Queue the applicant's messages for a status change (hook ``status_changed``)."""
    settings = _settings()
    event = templates.rules(settings)["statuses"].get(new)
    if not event:
        return
    rule = templates.event_rule(event, settings)
    language = application.language or "en"
    params = application_params(application, language)
    if event == "rejected":
        reason, _, remedy = (application.decision_reason or "").partition("\nRemedy: ")
        params["reason"] = sentence(reason)
        params["remedy"] = sentence(remedy) or sentence(templates.default_text("remedy", language, settings))
    if rule.get("remarks_from_action"):
        # The officer's remarks are recorded after the engine ran; the dispatcher takes them from
        # the first matching audit event after the chain's head now (kept on the row: no SELECT).
        params["remarks_action"] = rule["remarks_from_action"]
        params["audit_after_hash"] = application.audit_head
    change = _change_number(application)
    enqueue_many([message(event=event, channel=channel, to=to, audience=rule.get("audience", "applicant"),
                          language=language, application_id=application.id, params=params,
                          priority=rule.get("priority", 0),
                          dedupe_key=f"app:{application.id}:{event}:{change}:{channel}:{to}")
                  for channel, to in applicant_addresses(application, rule.get("channels", []))])


def applicant_addresses(application, channels) -> list[tuple[str, str]]:
    mobile = e164(application.applicant_mobile)
    out = []
    for channel in channels:
        if channel in MOBILE_CHANNELS and mobile:
            out.append((channel, mobile))
        elif channel == "email" and application.applicant_email:
            out.append((channel, application.applicant_email.strip()))
    return out


def user_addresses(user: User, channels) -> list[tuple[str, str]]:
    mobile = e164(user.mobile)
    out = []
    for channel in channels:
        if channel in MOBILE_CHANNELS and mobile:
            out.append((channel, mobile))
        elif channel == "email" and user.email:
            out.append((channel, user.email.strip()))
    return out


def on_escalated(application, item=None, escalation=None, **_) -> None:
    """Alert the officers concerned (hook ``escalated``): the officer holding the task (its assignee,
    else the officers of its office in its role) and the escalation's target role at its office."""
    settings = _settings()
    rule = templates.event_rule("escalated", settings)
    level = getattr(escalation, "level", None) or getattr(item, "escalation_level", None) or 1
    users = _officers_of(item)
    if escalation is not None and escalation.target_office_id is not None:
        users += _posted(escalation.target_office_id, escalation.target_role)
    base = settings.get("PUBLIC_BASE_URL", "").rstrip("/")
    key_item = item.id if item is not None else 0
    office = _office_name(item)
    rows = []
    for user in {u.id: u for u in users}.values():
        language = user.language or "en"
        params = application_params(application, language)
        if item is not None:
            params["stage"] = (item.task_name_bn if language == "bn" and item.task_name_bn else item.task_name)
        params.update(level=str(level), office=office, inbox_url=f"{base}/officer/inbox")
        rows += [message(event="escalated", channel=channel, to=to, audience="officer", language=language,
                         application_id=application.id, user_id=user.id, params=params,
                         priority=rule.get("priority", 0),
                         dedupe_key=f"esc:{application.id}:{key_item}:{level}:{channel}:{user.id}")
                 for channel, to in user_addresses(user, rule.get("channels", []))]
    enqueue_many(rows)   # every officer's alert in one INSERT


def _office_name(item) -> str:
    if item is None or item.office_id is None:
        return ""
    return cached(("office_name", item.office_id), lambda: db.session.scalar(
        select(Office.name).where(Office.id == item.office_id).execution_options(autoflush=False))) or ""


def _officers_of(item) -> list:
    if item is None:
        return []
    if item.assignee is not None:
        return [item.assignee]
    return _posted(item.office_id, item.role) if item.office_id is not None else []


class Officer(NamedTuple):
    """What an alert needs of an officer (plain values: a timer sweep keeps them across its commits)."""
    id: int
    language: str | None
    mobile: str | None
    email: str | None


def _posted(office_id: int, role: str) -> list[Officer]:
    """The active officers posted at the office in the role (once per sweep inside ``batch_cache``)."""
    return cached(("posted_officers", office_id, role), lambda: [Officer(*row) for row in db.session.execute(
        select(User.id, User.language, User.mobile, User.email).join(Posting, Posting.user_id == User.id).where(
            Posting.office_id == office_id, Posting.role == role, User.active.is_(True))
        .execution_options(autoflush=False))])   # reference rows: the change being alerted flushes once, later


def on_certificate_revoked(certificate, reason=None, **_) -> None:
    """Tell the applicant their certificate was revoked, and why (hook ``certificate_revoked``)."""
    application = certificate.application
    settings = _settings()
    rule = templates.event_rule("revoked", settings)
    language = application.language or "en"
    params = dict(application_params(application, language), uin=certificate.uin, reason=sentence(reason))
    for channel, to in applicant_addresses(application, rule.get("channels", [])):
        enqueue(event="revoked", channel=channel, to=to, audience="applicant", language=language,
                application_id=application.id, params=params, priority=rule.get("priority", 0),
                dedupe_key=f"revoked:{certificate.id}:{channel}:{to}")


def subscribe() -> None:
    """Wire the listeners to the process hooks (called once by ``create_app``)."""
    from ..processes import hooks
    hooks.subscribe("certificate_revoked", on_certificate_revoked)
    hooks.subscribe("status_changed", on_status_changed)
    hooks.subscribe("escalated", on_escalated)
