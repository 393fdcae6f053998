"""Partner webhooks: every status change of a partner's applications, POSTed and signed, via the outbox.

A partner (an API key: BSK portal, a CSC network) registers a URL and gets a secret once. Each
status change of an application the partner filed becomes one outbox row per webhook (channel
``webhook``) in the transaction of the change; the dispatcher POSTs it with retries and backoff,
and rows that keep failing end in the dead-letter list (``GET /api/v1/admin/notifications``).
Headers: ``X-Pravah-Event``, ``X-Pravah-Delivery`` (the same on every retry: receivers dedupe on
it) and ``X-Pravah-Signature: sha256=<hex HMAC-SHA256 of the body keyed by the secret>``.
"""


from ..notifications.backends import register_channel
from ..processes import hooks
from .backend import WebhookBackend
from .operations import on_status_changed


def init_app(app) -> None:
    hooks.subscribe("status_changed", on_status_changed)
    register_channel("webhook", WebhookBackend)
