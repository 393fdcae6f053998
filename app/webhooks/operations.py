"""Registering webhooks and queueing their deliveries (operations: explicit actor, flush only)."""
import hashlib
import hmac
import json
import secrets
from urllib.parse import urlsplit

from sqlalchemy import select

from .. import clock, policy
from ..errors import Invalid
from ..extensions import db
from ..models import Webhook
from ..notifications.outbox import enqueue

MAX_PER_PARTNER = 5
EVENT = "status_changed"


def _partner(actor):
    policy.require_role(actor, policy.PARTNERS, "Only partner systems (API keys) register webhooks.")
    return actor.user


def _check_url(url, allow_http: bool) -> str:
    if not isinstance(url, str) or len(url) > 200:
        raise Invalid("Give the webhook's address.", fields={"url": "must be an address of at most 200 characters"})
    parts = urlsplit(url.strip())
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise Invalid("Give the webhook's address.", fields={
            "url": "must be an https:// address without credentials" if not allow_http
            else "must be an http(s):// address without credentials"})
    return url.strip()


def register(actor, body: dict, *, allow_http: bool = False) -> tuple[Webhook, str]:
    """A new webhook for the calling partner. :returns: ``(webhook, secret)`` — the secret is shown once."""
    partner = _partner(actor)
    unknown = set(body) - {"url"}
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in sorted(unknown)})
    url = _check_url(body.get("url"), allow_http)
    if len(mine(actor)) >= MAX_PER_PARTNER:
        raise Invalid(f"A partner may register at most {MAX_PER_PARTNER} webhooks.", fields={"url": "too many webhooks"})
    hook = Webhook(user_id=partner.id, url=url, secret=secrets.token_hex(32), created_at=clock.now())
    db.session.add(hook)
    db.session.flush()
    return hook, hook.secret


def mine(actor) -> list[Webhook]:
    """The calling partner's live webhooks."""
    _partner(actor)
    return list(db.session.scalars(select(Webhook).where(policy.own_webhooks(actor)).order_by(Webhook.id)))


def revoke(actor, webhook_id: int) -> None:
    """:raises NotFound: no such live webhook of the calling partner."""
    _partner(actor)
    hook = db.session.get(Webhook, webhook_id) if 0 < webhook_id < 2**63 else None
    policy.check(actor, "webhook.manage", hook)
    hook.revoked_at = clock.now()


def api(hook: Webhook) -> dict:
    return {"id": hook.id, "url": hook.url, "created_at": clock.iso(hook.created_at)}


def signature(secret: str, body: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def on_status_changed(application, old, new, actor=None, **_) -> None:
    """Queue one signed delivery per live webhook of the partner that filed ``application``."""
    if application.created_by_id is None:
        return
    if "has_live_webhook" in application.__dict__ and not application.has_live_webhook:
        return   # loaded with the task (app/inbox/operations.py): no live webhook, nothing to read
    hooks = db.session.scalars(select(Webhook).where(Webhook.user_id == application.created_by_id,
                                                     Webhook.revoked_at.is_(None))
                               .execution_options(autoflush=False)).all()   # the change flushes once, later
    if not hooks:
        return
    instance = application.instance
    change = instance.lock_version if instance is not None else 0
    payload = {"event": EVENT, "ain": application.ain, "service": application.service.key,
               "status": new, "previous_status": old, "stage": application.stage,
               "at": clock.iso(clock.now())}
    for hook in hooks:
        key = f"webhook:{hook.id}:{application.id}:{change}:{new}"
        body = json.dumps({**payload, "delivery": key}, ensure_ascii=False, sort_keys=True)
        enqueue(event=EVENT, channel="webhook", to=hook.url, audience="partner", application_id=application.id,
                user_id=hook.user_id, body=body, subject=signature(hook.secret, body), dedupe_key=key)
