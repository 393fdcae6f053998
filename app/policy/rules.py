"""The one decision: ``check(actor, action, obj)``.

Each action names who may do it to an object. A refusal raises the domain errors the edges already
turn into statuses: :class:`NotFound` (404) where the object's existence must not leak (an
application someone may not see), :class:`Forbidden` (403) otherwise. Every decision is recorded for
the current context, so tests can tell that a route or operation asked (:func:`decisions`).
"""
from contextvars import ContextVar

from sqlalchemy import false, or_

from ..errors import Forbidden, NotFound
from ..models import ApiToken, Webhook
from . import complaints, delegations, jurisdiction, ownership, tasks
from .roles import ADMIN, API_KEY, REVOKERS

_decisions: ContextVar[list | None] = ContextVar("policy_decisions", default=None)


def start_recording() -> list:
    """Begin collecting the actions asked about in this context (a request, a test)."""
    log: list = []
    _decisions.set(log)
    return log


def decisions() -> list:
    return list(_decisions.get() or [])


def record(action: str, allowed: bool) -> None:
    log = _decisions.get()
    if log is not None:
        log.append((action, allowed))


def _may_view_application(actor, application) -> bool:
    return ownership.is_owner(actor, application) or jurisdiction.in_jurisdiction(actor, application)


def _may_act(actor, item) -> bool:
    return tasks.holds_queue(actor, item) or delegations.works_delegated_queue(actor, item) \
        or tasks.holds_escalation(actor, item)


def _may_revoke(actor, certificate) -> bool:
    district = certificate.application.location.ancestor_at("DISTRICT")
    return district is not None and any(
        p.office.location_id == district.id for p in jurisdiction.officer_postings(actor, REVOKERS))


#: action → (who may, what to say when refused, refusal class). Actions on an application first
#: require seeing it (404), see :func:`check`.
RULES = {
    "application.view": (_may_view_application, "There is no such application that you may see.", NotFound),
    "application.as_applicant": (ownership.is_owner,
                                 "Only the applicant or whoever submitted the application may do this.", Forbidden),
    "application.add_document": (lambda a, app: ownership.is_owner(a, app) or tasks.is_acting_officer(a, app),
                                 "Only the applicant, the submitter or the officer now acting on it may add "
                                 "documents.", Forbidden),
    "task.act": (_may_act, "This task is not in your jurisdiction or role.", Forbidden),
    "task.reassign": (lambda a, item: (item.office is not None and tasks.heads_office(a, item.office))
                      or tasks.holds_escalation(a, item),
                      "Only the head of this task's office, or an officer it was escalated to, may reassign it.",
                      Forbidden),
    "task.escalated": (tasks.holds_escalation, "This task has not been escalated to you.", Forbidden),
    "application.audit": (lambda a, app: a.has_role(ADMIN) or jurisdiction.in_jurisdiction(a, app),
                          "There is no such application that you may see.", NotFound),
    "delegation.give": (delegations.may_give,
                        "Only the officer or the head of their office may delegate their queue.", Forbidden),
    "delegation.manage": (delegations.may_manage, "There is no such delegation.", NotFound),
    "webhook.manage": (lambda a, hook: bool(a.channel) and hook.user_id == a.id and hook.revoked_at is None,
                       "There is no such webhook.", NotFound),
    "complaint.answer": (complaints.may_answer, "There is no such complaint that you may answer.", NotFound),
    "login.end": (lambda a, token: token.user_id == a.id, "You have no login with this id.", NotFound),
    "certificate.revoke": (_may_revoke,
                           "Only the District Magistrate of the district where the applicant lives may revoke this certificate.", Forbidden),
}

#: Actions whose object is an application someone must be able to see before anything else.
_ON_APPLICATION = {"application.as_applicant", "application.add_document"}


def may(actor, action: str, obj) -> bool:
    """Whether ``actor`` may do ``action`` to ``obj`` (pages ask this to offer a button)."""
    if actor is None or obj is None:
        record(action, False)
        return False
    if action in _ON_APPLICATION and not _may_view_application(actor, obj):
        record(action, False)
        return False
    allowed = bool(RULES[action][0](actor, obj))
    record(action, allowed)
    return allowed


def check(actor, action: str, obj, *, missing: str | None = None, refused: str | None = None) -> None:
    """Refuse unless ``actor`` may do ``action`` to ``obj``; a missing object (``None``) is a 404.

    :param missing: the message of the 404 (no such object, or an application the actor may not see).
    :param refused: the message of the refusal when the object is visible (the rule's own by default).
    :raises NotFound: no such object, or an application the actor may not see.
    :raises Forbidden: the object is visible but the action is not the actor's.
    """
    predicate, message, refusal = RULES[action]
    if obj is None or actor is None:
        record(action, False)
        raise NotFound(missing or message)
    if action in _ON_APPLICATION and not _may_view_application(actor, obj):
        record(action, False)
        raise NotFound(missing or RULES["application.view"][1])
    allowed = bool(predicate(actor, obj))
    record(action, allowed)
    if not allowed:
        raise refusal((missing if refusal is NotFound else refused) or message)


def has_role(actor, roles: tuple[str, ...]) -> bool:
    """A role-level decision: does the actor currently hold one of ``roles`` (``APIKEY`` for partner keys)?"""
    allowed = actor is not None and (actor.has_role(*roles) or bool(actor.channel and API_KEY in roles))
    record("role:" + ",".join(roles), allowed)
    return allowed


def require_role(actor, roles: tuple[str, ...], message: str = "Your role may not do this.") -> None:
    if not has_role(actor, roles):
        raise Forbidden(message)


def require_authenticated(actor) -> None:
    """Any logged-in actor may go on; the operation or object check decides the rest."""
    record("authenticated", actor is not None)
    if actor is None:
        raise Forbidden("Log in first.")


def visible_applications(actor):
    """SQL on ``Application``: what ``check(actor, "application.view", …)`` lets through, for lists."""
    record("application.list", actor is not None)
    return or_(ownership.owned_filter(actor), jurisdiction.jurisdiction_filter(actor))


def visible_work_items(actor):
    """SQL on ``WorkItem``: the queues ``check(actor, "task.act", …)`` lets through (escalations aside):
    the actor's own and those delegated to them today."""
    record("task.list", actor is not None)
    return or_(tasks.queue_filter(actor), delegations.delegated_queue_filter(actor))


def inbox_items(actor):
    """SQL on ``WorkItem``: what the actor's inbox lists (:func:`visible_work_items` less the items a
    colleague holds; a delegator's held items stay in their delegate's inbox)."""
    record("task.list", actor is not None)
    return delegations.inbox_filter(actor)


def visible_delegations(actor):
    """SQL on ``Delegation``: what ``check(actor, "delegation.manage", …)`` lets through."""
    record("delegation.list", actor is not None)
    return delegations.managed_filter(actor)


def visible_complaints(actor):
    """SQL on ``Complaint``: what ``check(actor, "complaint.answer", …)`` lets through."""
    record("complaint.list", actor is not None)
    return complaints.complaint_filter(actor)


def own_logins(actor):
    """SQL on ``ApiToken``: the actor's own logins (``login.end``); a user may pass for the actor."""
    record("login.list", actor is not None)
    return ApiToken.user_id == actor.id


def own_webhooks(actor):
    """SQL on ``Webhook``: a partner's live webhooks (``webhook.manage``)."""
    record("webhook.list", bool(actor is not None and actor.channel))
    return (Webhook.user_id == actor.id) & Webhook.revoked_at.is_(None) if actor.channel else false()
