"""Service-task topics of the SLA area: ``compute_sla`` and ``escalate``.

``compute_sla`` runs after routing (and again when the application comes back from the citizen). It
reads the escalation matrix rows the ``escalation_matrix`` decision returned (hit policy COLLECT:
lists ``matrix_step``, ``matrix_sla_days``, ``matrix_l1_role``…) and turns them, with the working
calendar, into tz-aware UTC ISO deadlines per step: ``sla[step]["due"]`` (the step's deadline, which
raises L1), ``sla[step]["l1_due"]`` (L1's deadline, which raises L2) and ``sla[step]["l2_due"]``. The
BPMN's boundary ``timeDate`` timers read those variables.

``escalate`` runs on a timer's branch with properties ``level`` (1 or 2) and ``task`` (the guarded
user task's id): it records an ``escalation`` row for the open work item, targeted at the office
above it that holds the level's role at that moment, marks the work item and emits ``escalated``.
"""
from typing import NamedTuple

from sqlalchemy import exists, literal, select
from sqlalchemy.orm import aliased

from .. import engine, policy
from ..audit.operations import record as audit
from ..batch_cache import batch_row, cached
from ..extensions import db
from ..models import Escalation, Location, Office, Posting, WorkItem
from ..processes import hooks
from ..processes.deploy import active_version
from .calendar import calendar_for
from .clock import clock_of, parse, resume

MATRIX = ("step", "sla_days", "l1_role", "l1_days", "l2_role", "l2_days")


class EscalationTargetMissing(RuntimeError):
    """No office above the task has an officer posted in the escalation role."""


def _matrix_rows(data: dict) -> list[dict]:
    columns = [data.get(f"matrix_{name}") for name in MATRIX]
    if not isinstance(columns[0], list):
        raise ValueError("compute_sla needs the escalation_matrix decision (hit policy COLLECT) to run first")
    return [dict(zip(MATRIX, values)) for values in zip(*columns)]


def _process_steps(application, starting=None) -> set[str]:
    """The SLA steps of the application's version (``starting``: the version its process is starting on)."""
    version = (application.instance.version if application.instance is not None
               else starting or active_version(application.service.key))
    meta = version.task_meta if version is not None else {}
    return {str(m["properties"]["sla_step"]) for m in meta.values()
            if m.get("kind") == "user" and (m.get("properties") or {}).get("sla_step")}


def _days(value) -> float | None:
    return None if value in (None, "") else float(value)


def compute_sla(call) -> dict:
    application, now = call.context.application, call.context.now
    settings = call.context.settings
    rows = _matrix_rows(call.data)
    sla = clock_of(application, create=True)
    resume(application, now, settings)
    start = application.submitted_at
    cal = calendar_for(application.location, settings, since=start.date())
    paused = sla.paused_seconds or 0.0

    def deadline(days):
        return cal.add(start, cal.days(days) + paused).isoformat() if days is not None else None

    steps = _process_steps(application, getattr(call.context, "version", None)) | {str(r["step"]) for r in rows if str(r["step"]) != "*"}
    deadlines = {}
    for step in sorted(steps):
        row = next((r for r in rows if str(r["step"]) == step), None) or next(
            (r for r in rows if str(r["step"]) == "*"), None)
        if row is None:
            raise ValueError(f"the escalation matrix has no row for step {step} and no '*' row")
        sla_days, l1_days, l2_days = _days(row["sla_days"]), _days(row["l1_days"]), _days(row["l2_days"])
        due = deadline(sla_days)
        l1_due = deadline(l1_days) or due
        deadlines[step] = {"due": due, "l1_due": l1_due, "l2_due": deadline(l2_days) or l1_due,
                           "l1_role": row["l1_role"] or None, "l2_role": row["l2_role"] or None,
                           "sla_days": sla_days, "l1_days": l1_days, "l2_days": l2_days}
    sla.deadlines = deadlines
    sla.computed_at = now
    return {"sla": deadlines}


def _posted(role: str, now):
    return exists().where(Posting.role == role, Posting.office_id == Office.id, policy.current_filter(Posting, now))


class Target(NamedTuple):
    """The office an escalation goes to (plain values: a sweep keeps them across its commits)."""
    id: int
    code: str


def target_office(item: WorkItem, application, role: str, now) -> Target | None:
    """The nearest office at or above the task's office (else the applicant's location) with a ``role`` posting.

    The location's ancestors are one recursive query; in a timer sweep (``batch_cache``) the
    ancestors and the answer are read once per office and role, not once per timer.
    """
    start = None
    if item.office_id is not None:
        start = cached(("office_location", item.office_id), lambda: db.session.scalar(
            select(Office.location_id).where(Office.id == item.office_id)))
    start = start if start is not None else application.location_id
    areas = cached(("ancestors", start), lambda: ancestor_ids(start))
    return cached(("target_office", tuple(areas), role), lambda: _nearest_posted(areas, role, now))


def ancestor_ids(location_id: int) -> list[int]:
    """The location and its parents up to the state, nearest first, in one (recursive) query."""
    up = select(Location.id, Location.parent_id, literal(0).label("depth")).where(
        Location.id == location_id).cte("up", recursive=True)
    parent = aliased(Location)
    up = up.union_all(select(parent.id, parent.parent_id, up.c.depth + 1).where(parent.id == up.c.parent_id))
    return list(db.session.scalars(select(up.c.id).order_by(up.c.depth)))


def _nearest_posted(areas: list[int], role: str, now) -> Target | None:
    found = {row.location_id: Target(row.id, row.code) for row in db.session.execute(
        select(Office.id, Office.code, Office.location_id).where(Office.location_id.in_(areas), _posted(role, now))
        .order_by(Office.id.desc()))}
    return next((found[area] for area in areas if area in found), None)


def escalate(call) -> None:
    application, now = call.context.application, call.context.now
    level = int(call.properties.get("level", 1))
    task_key = call.properties.get("task")
    if level not in (1, 2) or not task_key:
        raise ValueError(f"escalate on {call.task_id} needs properties level=1|2 and task=<user task id>")
    open_items = (batch_row("open_items") or {}).get(application.process_instance_id)
    if open_items is not None:   # a timer sweep read the instance's open items with its claim
        item = max((i for i in open_items if i.task_key == task_key and i.closed_at is None),
                   key=lambda i: i.id, default=None)
    else:
        item = db.session.scalar(select(WorkItem).where(
            WorkItem.application_id == application.id, WorkItem.task_key == task_key, WorkItem.closed_at.is_(None))
            .order_by(WorkItem.id.desc()).limit(1))
    if item is None:
        return None
    sla = clock_of(application)
    step = (application.instance.version.task_meta.get(task_key, {}).get("properties") or {}).get("sla_step")
    limits = (sla.deadlines if sla else {}).get(str(step)) or {}
    role = limits.get(f"l{level}_role")
    if not role:
        return None    # the matrix names no officer at this level (e.g. flow C has no L2)
    raised = batch_row("escalated") if open_items is not None else None   # {(work item id, level)}
    if raised is not None:
        if (item.id, level) in raised:
            return None
    elif db.session.scalar(select(Escalation.id).where(Escalation.work_item_id == item.id,
                                                       Escalation.level == level)) is not None:
        return None
    office = target_office(item, application, role, now)
    if office is None:
        raise EscalationTargetMissing(
            f"No office above {item.office.code if item.office else application.location.name} has a {role} "
            f"posted, so application {application.ain} cannot be escalated to L{level}.")
    escalation = Escalation(application_id=application.id, work_item_id=item.id, level=level, target_role=role,
                            target_office_id=office.id, raised_at=now,
                            step_due_at=item.due_at or parse(limits.get("due")),
                            due_at=parse(limits.get(f"l{level}_due")))
    db.session.add(escalation)
    item.escalation_level = max(item.escalation_level or 0, level)
    db.session.flush()
    if raised is not None:
        raised.add((item.id, level))
    audit("escalated", "application", application.ain, role=role, stage=item.task_name,
          data={"level": level, "to_office": office.code, "to_role": role, "task_id": item.id})
    hooks.emit("escalated", application=application, item=item, escalation=escalation)
    return None


#: Deadlines a dry run (deploy check, model tests) sees: far ahead, so no timer fires by itself.
_DRY_RUN_DUE = "2100-01-01T00:00:00+00:00"
#: Step numbers a dry run fills for a '*' matrix row (the real service reads them from the version).
_DRY_RUN_STEPS = 20


def compute_sla_dry_run(call) -> dict:
    """What ``compute_sla`` returns, without a database: every step due far in the future."""
    rows = _matrix_rows(call.data)
    steps = {str(r["step"]) for r in rows if str(r["step"]) != "*"}
    if any(str(r["step"]) == "*" for r in rows):
        steps |= {str(n) for n in range(1, _DRY_RUN_STEPS + 1)}
    return {"sla": {step: {"due": _DRY_RUN_DUE, "l1_due": _DRY_RUN_DUE, "l2_due": _DRY_RUN_DUE}
                    for step in steps}}


TOPICS = {"compute_sla": compute_sla, "escalate": escalate}
DRY_RUN = {"compute_sla": compute_sla_dry_run}


def register() -> None:
    for topic, fn in TOPICS.items():
        engine.register_service(topic, fn, dry_run=DRY_RUN.get(topic))
