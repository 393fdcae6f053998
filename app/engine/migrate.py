"""Moving a running instance to another version of its process (SpiffWorkflow's spec diff).

A move is planned on a copy first and refused unless it is safe:
- every step the instance has been through, or is at, exists in the new version (matched by BPMN id,
  or by SpiffWorkflow's structural alignment when an id was renamed);
- a waiting user task stays in the same lane (the same role's inbox);
- no running sub-process (Pravah's models have none; the allow-list refuses them);
- the moved state saves and loads again with the new version's spec, and the same user tasks are
  waiting afterwards.
The ready and waiting tasks keep their ids (guids), so open work items and timers stay attached.
"""
from __future__ import annotations

from typing import NamedTuple

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.task import TaskState

from .runner import Spec, _set_context, ready_user_tasks, restore
from .serializer import SERIALIZER, workflow_to_json

_WAITING = TaskState.READY | TaskState.WAITING


class Reason(str):
    """Why an instance cannot move: its English text (what the API and the console show), plus a
    ``code`` and ``params`` from which a page says the same in the reader's language."""
    code: str
    params: dict

    def __new__(cls, code: str, text: str, **params):
        reason = super().__new__(cls, text % params if params else text)
        reason.code, reason.params = code, params
        return reason


#: code → English text; the studio's page keeps the same texts for translation.
REASONS = {
    "subprocess": "the application is inside a sub-process; such applications are not moved",
    "step_removed": "the step the application is at, %(step)s, is not in the new version",
    "passed_removed": "the application has passed %(step)s, which the new version removes",
    "lane_change": "the waiting task %(step)s would move from the %(from_lane)s inbox to the %(to_lane)s inbox",
    "does_not_run": "the moved application does not run on the new version: %(error)s",
    "tasks_change": "the waiting tasks would change; move it when it reaches a step both versions share",
}


def reason(code: str, **params) -> Reason:
    return Reason(code, REASONS[code], **params)


class MigrationPlan(NamedTuple):
    movable: bool
    #: BPMN id of each ready or waiting task → its BPMN id in the new version (None: nowhere)
    task_map: dict
    reasons: list


class NotMovable(Exception):
    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def _label(spec) -> str:
    name = getattr(spec, "bpmn_name", None)
    return f"'{name}' ({spec.name})" if name else f"'{spec.name}'"


def _move(old: Spec, new: Spec, state: str, context):
    wf = restore(old, state, context)
    reasons = []
    if wf.subprocesses:
        reasons.append(reason("subprocess"))
    top, _ = diff_workflow(SERIALIZER.registry, wf, new.spec, new.subprocess_specs)
    task_map = {}
    for task in wf.get_tasks(state=_WAITING, skip_subprocesses=True):
        if getattr(task.task_spec, "bpmn_id", None):
            target = top.alignment.get(task)
            task_map[task.task_spec.name] = target.name if target is not None else None
    for task in top.removed:
        spec = task.task_spec
        if not getattr(spec, "bpmn_id", None):
            continue
        if task.state & _WAITING:
            reasons.append(reason("step_removed", step=_label(spec)))
        elif task.state == TaskState.COMPLETED:
            reasons.append(reason("passed_removed", step=_label(spec)))
    for task in wf.get_tasks(state=TaskState.READY, manual=True):
        target = top.alignment.get(task)
        if target is not None and getattr(target, "lane", None) != task.task_spec.lane:
            reasons.append(reason("lane_change", step=_label(task.task_spec), from_lane=task.task_spec.lane,
                                  to_lane=getattr(target, "lane", None)))
    if reasons:
        return None, task_map, reasons
    waiting_before = {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}
    migrate_workflow(top, wf, new.spec)
    _set_context(wf, context)
    try:
        wf.do_engine_steps()
        moved = restore(new, workflow_to_json(wf), context)
    except Exception as exc:  # noqa: BLE001 - any failure of the moved state is a reason not to move
        return None, task_map, [reason("does_not_run", error=str(exc))]
    if {t.guid for t in ready_user_tasks(moved)} != waiting_before:
        return None, task_map, [reason("tasks_change")]
    return moved, task_map, []


def plan(old: Spec, new: Spec, state: str) -> MigrationPlan:
    """Whether ``state`` (saved with ``old``) can move to ``new``, and where its waiting tasks map."""
    _, task_map, reasons = _move(old, new, state, None)
    return MigrationPlan(not reasons, task_map, reasons)


def migrate(old: Spec, new: Spec, state: str, context=None):
    """The instance moved onto ``new`` (a workflow to save). :raises NotMovable: with the reasons."""
    moved, _, reasons = _move(old, new, state, context)
    if reasons:
        raise NotMovable(reasons)
    return moved
