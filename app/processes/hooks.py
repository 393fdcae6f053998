"""In-transaction hooks other areas subscribe to at start-up (notifications, SLA, certificates).

Listeners run inside the same transaction as the change, so what they write (an outbox row, an SLA
figure) commits or rolls back with it. Events:

- ``status_changed(application, old, new, actor)`` — application.status changed
- ``task_opened(application, item)`` — a work item was created for a ready user task (emitted
  before it is flushed: ``item.id`` is not known yet; set attributes, add rows by relationship)
- ``task_closed(application, item, actor)`` — a work item was completed or cancelled
- ``escalated(application, item, escalation)`` — a work item passed its SLA and was raised to
  ``escalation.target_role`` at ``escalation.target_office`` (level 1 or 2); alert the assignee
  (``item.assignee``, else the officers of ``item.office`` in ``item.role``) and the target
- ``task_remarked(application, item, remark)`` — a supervising officer added a remark to a task
- ``certificate_issued(certificate, application, actor, now)`` — a certificate was issued (DigiLocker push)
- ``certificate_revoked(certificate, reason, actor, now)`` — a certificate was revoked (applicant told, DigiLocker push)
"""
from collections import defaultdict

_listeners: dict[str, list] = defaultdict(list)


def subscribe(event: str, fn) -> None:
    if fn not in _listeners[event]:
        _listeners[event].append(fn)


def emit(event: str, **kwargs) -> None:
    for fn in list(_listeners[event]):
        fn(**kwargs)
