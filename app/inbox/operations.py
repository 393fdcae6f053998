"""Officers' task operations. Each takes an explicit actor, flushes, never commits."""
import functools
import re

from sqlalchemy import String, and_, bindparam, case, cast, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from .. import clock, policy
from ..audit.operations import hold, record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..formschema import actions as form_actions, field_errors, officer_fields
from ..inputs import text_problem
from ..models import Application, Posting, ProcessInstance, ProcessVersion, Service, User, WorkItem
from ..processes import runner, store
from ..processes.projection import KNOWN_USER_IDS
from ..sla import escalations
from . import delegation

_BODY = {"action", "remarks", "reason", "data", "fifo_override_reason"}


def visible_filter(actor):
    """Items in an office where the actor currently holds the item's role, or in a queue delegated to them
    today (with the tasks its delegator holds): :func:`app.policy.inbox_items`."""
    return policy.inbox_items(actor)


def inbox(actor, page: int, per_page: int, escalated: bool = False, *, service: str | None = None,
          task_key: str | None = None, overdue: bool = False) -> tuple[list[WorkItem], int]:
    """The actor's open tasks, Tatkal first then oldest first, optionally filtered.

    :param escalated: what was escalated to the actor instead of their own queue.
    :param service: a service key. :param task_key: a BPMN task id. :param overdue: past ``due_at`` only.
    """
    if escalated:
        return escalations.escalated_inbox(actor, page, per_page)
    query = select(WorkItem).where(WorkItem.closed_at.is_(None), visible_filter(actor))
    if service:
        query = query.where(WorkItem.service_id == select(Service.id).where(Service.key == service).scalar_subquery())
    if task_key:
        query = query.where(WorkItem.task_key == task_key)
    if overdue:
        query = query.where(WorkItem.due_at < clock.now())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))   # counted unsorted
    query = query.order_by(WorkItem.tatkal.desc(), WorkItem.app_submitted_at, WorkItem.id)
    page_query = query.options(*ROW_OPTIONS).offset((page - 1) * per_page).limit(per_page)
    return db.session.scalars(page_query).unique().all(), total


#: What an inbox row shows, loaded with the page (one query instead of three per item).
ROW_OPTIONS = (joinedload(WorkItem.application), joinedload(WorkItem.office), joinedload(WorkItem.assignee))


def page_actions(items) -> dict[int, list[str]]:
    """The task form's actions of each item, by item id: one query for a page (each item's version
    id and content hash); a version's forms are read once per process and content hash (a version's
    content never changes under its hash), never the workflow state."""
    if not items:
        return {}
    versions = {item_id: (version_id, sha) for item_id, version_id, sha in db.session.execute(
        select(WorkItem.id, ProcessVersion.id, ProcessVersion.sha256)
        .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(WorkItem.id.in_([i.id for i in items])))}
    return {i.id: list(_form_actions(*versions[i.id], i.form_key)) if i.id in versions else [] for i in items}


@functools.lru_cache(maxsize=1024)
def _form_actions(version_id: int, sha256: str, form_key: str | None) -> tuple[str, ...]:
    forms = db.session.scalar(select(ProcessVersion.forms).where(ProcessVersion.id == version_id)) or {}
    return tuple(form_actions(forms.get(form_key) or {}))


def get_item(actor, item_id: int) -> WorkItem:
    item = db.session.get(WorkItem, item_id, options=[joinedload(WorkItem.application)
                                                      .joinedload(Application.sla_clock)])
    return _may_act(actor, item)


def _may_act(actor, item: WorkItem | None) -> WorkItem:
    """Own queue, a queue delegated for today, or an escalation: ``task.act`` (:mod:`app.policy`)."""
    policy.check(actor, "task.act", item, missing="There is no such task.")
    return item


def _locked_task(item_id: int, actor, named: list[str]) -> tuple[WorkItem | None, int | None, dict]:
    """The task with its application, SLA clock and process instance in one statement, the instance and
    application rows locked for this transaction (PostgreSQL; ``store.lock``), so validation and the
    engine see the state nobody else is changing, and the application's audit chain head is current
    (``audit.hold``). The rows come back as committed by whoever held the locks before us.

    The same statement answers the checks the action needs: the FIFO queue's older item (when the
    service enforces FIFO) and the postings at the task's office of the officers ``named`` in the body.

    :returns: ``(item, older item id or None, {username: {role: user id}})``.
    """
    locking = store.locks_rows()
    params = {"item_id": item_id, "actor_id": actor.id, "now": clock.now(),
              **{f"named_{i}": name for i, name in enumerate(named)}}
    row = db.session.execute(_task_statement(len(named), locking), params).first()
    if row is None:
        return None, None, {}
    item = row[0]
    if locking:
        hold(item.application)
    postings = {}
    for name, found in zip(named, row[2:]):
        pairs = (part.split(":") for part in (found or "").split(",") if part)
        postings[name] = {role: int(user_id) for role, user_id in pairs}
    return item, row.older_id, postings


#: Body values that may name an officer (a username), looked up with the task; at most this many.
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")
_MAX_NAMED = 4


def _named_officers(body: dict) -> list[str]:
    data = body.get("data") if isinstance(body, dict) else None
    values = data.values() if isinstance(data, dict) else ()
    named = sorted({v for v in values if isinstance(v, str) and _USERNAME.fullmatch(v)})
    return named[:_MAX_NAMED]


@functools.cache
def _task_statement(named: int, locking: bool):
    """Built once per shape (how many officers are named; whether rows are locked), with bound
    parameters ``item_id``, ``actor_id``, ``now`` and ``named_<i>``: building it is most of its cost."""
    stmt = (select(WorkItem, _older_in_queue().label("older_id"),
                   *(_postings_at_office(i).label(f"named_{i}") for i in range(named)))
            .join(WorkItem.application)
            .join(ProcessInstance, ProcessInstance.id == Application.process_instance_id)
            .where(WorkItem.id == bindparam("item_id"))
            .options(contains_eager(WorkItem.application).joinedload(Application.sla_clock),
                     contains_eager(WorkItem.application).contains_eager(Application.instance),
                     contains_eager(WorkItem.application).undefer(Application.has_live_webhook))
            .execution_options(populate_existing=True))
    if locking:   # the instance first, as every other writer of it locks it
        stmt = stmt.with_for_update(of=[ProcessInstance, Application])
    return stmt


def _postings_at_office(i: int):
    """SQL: ``role:user id,…`` of the current postings at the loaded task's office of the active user
    named by parameter ``named_<i>``."""
    return (select(func.aggregate_strings(Posting.role + ":" + cast(User.id, String), ","))
            .select_from(User).join(Posting, Posting.user_id == User.id)
            .where(User.username == bindparam(f"named_{i}"), User.active.is_(True),
                   Posting.office_id == WorkItem.office_id, policy.current_filter(Posting, bindparam("now")))
            .correlate(WorkItem).scalar_subquery())


def _older_in_queue():
    """SQL: an open item the actor (parameter ``actor_id``) could take that is ahead of the loaded task
    in its FIFO queue (only for a service that enforces FIFO): Tatkal first, then by submission time."""
    other = aliased(WorkItem)
    earlier = other.app_submitted_at < WorkItem.app_submitted_at
    ahead = or_(and_(other.tatkal.is_(True), earlier),
                and_(WorkItem.tatkal.is_not(True), or_(other.tatkal.is_(True), earlier)))
    older = (select(other.id).where(
        other.closed_at.is_(None), other.id != WorkItem.id, other.office_id == WorkItem.office_id,
        or_(other.assignee_id.is_(None), other.assignee_id == bindparam("actor_id")),
        other.role == WorkItem.role, other.task_key == WorkItem.task_key,
        other.service_id == Application.service_id, ahead)
        .order_by(other.tatkal.desc(), other.app_submitted_at).limit(1)
        .correlate(WorkItem, Application).scalar_subquery())
    fifo = select(Service.fifo_enforced).where(Service.id == Application.service_id).correlate(Application)
    return case((fifo.scalar_subquery().is_(True), older))


def claim(actor, item_id: int) -> WorkItem:
    item = get_item(actor, item_id)
    _lock_item(item)
    if item.closed_at is not None:
        raise Conflict("This task has already been completed.", code="already_completed")
    if item.assignee_id not in (None, actor.id):
        raise Conflict(f"{item.assignee.name} is working on this task.", code="held_by_other",
                       assignee=item.assignee.username)
    item.assignee_id = actor.id
    audit("claimed", "application", item.application.ain, actor=actor, role=item.role, stage=item.task_name,
          data={"task_id": item.id, "before": {"assignee": None}, "after": {"assignee": actor.username}})
    return item


def release(actor, item_id: int) -> WorkItem:
    item = get_item(actor, item_id)
    _lock_item(item)
    if item.closed_at is not None:
        raise Conflict("This task has already been completed.", code="already_completed")
    if item.assignee_id != actor.id:
        raise Conflict("You do not hold this task.", code="not_held")
    item.assignee_id = None
    audit("released", "application", item.application.ain, actor=actor, role=item.role, stage=item.task_name,
          data={"task_id": item.id, "before": {"assignee": actor.username}, "after": {"assignee": None}})
    return item


def _lock_item(item: WorkItem) -> None:
    store.lock_work_item(item.id)


def complete(actor, item_id: int, body: dict, settings) -> Application:
    """Take one of the task form's actions.

    :raises Invalid: unknown action, missing remarks/reason, data the form does not declare.
    :raises Conflict: completed meanwhile, held by someone else, or ``fifo_violation``.
    """
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.")
    unknown = set(body) - _BODY
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in sorted(unknown)})
    named = _named_officers(body)
    loaded, older_id, postings = _locked_task(item_id, actor, named)
    item = _may_act(actor, loaded)
    if item.closed_at is not None:
        raise Conflict("This task has already been completed.", code="already_completed")
    on_behalf_of = delegation.acting_for(actor, item.office_id, item.role)
    if item.assignee_id not in (None, actor.id) and not (on_behalf_of and item.assignee.username == on_behalf_of):
        raise Conflict(f"{item.assignee.name} is working on this task.", code="held_by_other",
                       assignee=item.assignee.username)
    application = item.application
    instance = application.instance   # locked by _locked_task
    schema = instance.version.forms.get(item.form_key) or {"type": "object", "properties": {}}
    action_key = body.get("action")
    action = form_actions(schema).get(action_key)
    if action is None:
        raise Invalid("Choose one of this task's actions.",
                      fields={"action": "must be one of: " + ", ".join(form_actions(schema)) if form_actions(schema)
                              else "this task has no actions"})
    data = body.get("data") or {}
    errors = field_errors(schema, data)
    for text_field in ("remarks", "reason", "fifo_override_reason"):
        value = body.get(text_field)
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            errors[text_field] = "must be text of at most 2000 characters"
        elif isinstance(value, str) and text_problem(value, multiline=True):
            errors[text_field] = text_problem(value, multiline=True)
    for needed in action.get("requires", []):
        value = data.get(needed[5:]) if needed.startswith("data.") else body.get(needed)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            errors[needed] = f"is required to {action.get('title', action_key).lower()}"
    errors.update(_check_officers(schema, data, item, postings))
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    if application.service.fifo_enforced:
        _enforce_fifo(older_id, body.get("fifo_override_reason"))
    variables = {**data, "action": action_key}
    for text_field in ("remarks", "reason"):
        if body.get(text_field):
            variables[text_field] = body[text_field].strip()
    stage, before = item.task_name, {"status": application.status, "stage": application.stage}
    runner.complete_item(item, actor, variables, outcome=action_key, settings=settings, instance=instance)
    audit(action_key, "application", application.ain, actor=actor, role=item.role, stage=stage,
          remarks=body.get("reason") or body.get("remarks"),
          data={k: v for k, v in {"fifo_override_reason": body.get("fifo_override_reason"),
                                  "on_behalf_of": on_behalf_of, **data}.items() if v}
          | {"task_id": item.id, "before": before,
             "after": {"status": application.status, "stage": application.stage, "task_data": data}})
    return application


def _check_officers(schema: dict, data: dict, item: WorkItem, postings: dict) -> dict:
    """Each officer the form's officer fields name must hold that role at the task's office today.

    :param postings: ``{username: {role: user id}}`` loaded with the task; others are looked up here.
    """
    errors = {}
    for name, role in officer_fields(schema).items():
        username = data.get(name)
        if not username:
            continue
        if isinstance(username, str) and username in postings:
            posted = postings[username].get(role)
        else:
            posted = db.session.scalar(select(User.id).join(Posting).where(
                User.username == username, User.active.is_(True), Posting.role == role,
                Posting.office_id == item.office_id, policy.current_filter(Posting)))
        if posted is None:
            errors[f"data.{name}"] = f"must be the username of an active {role} of this office"
        else:
            db.session.info.setdefault(KNOWN_USER_IDS, {})[username] = posted
    return errors


def _enforce_fifo(older_id: int | None, override_reason: str | None) -> None:
    """Refuse to act on a newer application while an older one waits in the same queue.

    Only items the actor could act on count: one someone else holds (a DM who took it over, a
    colleague who claimed it) is not waiting for this officer (``_older_in_queue``, read with the task).
    """
    if older_id is not None and not (override_reason and override_reason.strip()):
        older = db.session.get(WorkItem, older_id)
        raise Conflict(f"Application {older.application.ain} has been waiting longer in this queue. Act on it "
                       "first, or give a reason for taking this one out of turn.", code="fifo_violation",
                       older_ain=older.application.ain, older_task_id=older.id)


def item_api(item: WorkItem, base_url: str, actions: list[str] | None = None) -> dict:
    """:param actions: the form's actions when known already (``page_actions``)."""
    application = item.application
    if actions is None:
        actions = list(form_actions(application.instance.version.forms.get(item.form_key) or {}))
    return {"id": item.id, "ain": application.ain, "service": application.service.key,
            "task": {"key": item.task_key, "name": item.task_name, "name_bn": item.task_name_bn},
            "role": item.role, "office": item.office.code if item.office else None,
            "received_at": clock.iso(item.created_at), "due_at": clock.iso(item.due_at), "tatkal": item.tatkal,
            "escalation_level": item.escalation_level,
            "assignee": item.assignee.username if item.assignee else None,
            "actions": actions,
            "form": f"{base_url}/api/v1/services/{application.service.key}/forms/{item.form_key}"}
