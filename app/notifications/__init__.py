"""Notifications: the outbox written with each change, the dispatcher, templates and backends.

See docs/notifications.md. The scheduler's job is :func:`dispatch_due`.
"""
from .dispatch import dispatch_due  # noqa: F401
from .outbox import enqueue, subscribe  # noqa: F401
