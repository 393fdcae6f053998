"""Running instances: spec cache, start/restore, user tasks, timers, dump."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from typing import NamedTuple

from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import TaskState

from .errors import TaskNotReady
from .script_engine import RestrictedScriptEngine
from .serializer import SERIALIZER_VERSION, spec_from_json, workflow_from_json, workflow_to_json

for _name in ("spiff", "spiff.task", "spiff.workflow", "spiff.metrics", "spiff.data"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class Spec(NamedTuple):
    key: object
    spec: object              # BpmnProcessSpec (shared, read-only)
    subprocess_specs: dict


class ReadyTask(NamedTuple):
    guid: str
    task_id: str
    name: str | None
    lane: str | None
    form_key: str | None
    properties: dict
    data: dict


class Saved(NamedTuple):
    state: str
    serializer_version: str
    next_timer_at: datetime | None
    finished: bool
    data: dict
    end_event: str | None = None
    end_properties: dict | None = None


SPEC_CACHE_SIZE = 64
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def load_spec(key, spec_json) -> Spec:
    """Restored spec objects, LRU-cached per key (never cache dicts: from_dict mutates them).

    :param spec_json: the serialized spec, or a callable returning it (read only on a cache miss).
    """
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    spec, subs = spec_from_json(spec_json() if callable(spec_json) else spec_json)
    value = Spec(key, spec, subs)
    with _cache_lock:
        value = _cache.setdefault(key, value)
        _cache.move_to_end(key)
        while len(_cache) > SPEC_CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_spec_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _engine(wf, context):
    engine = RestrictedScriptEngine(context)
    wf.script_engine = engine
    return wf


def start(spec: Spec, data: dict, context=None) -> BpmnWorkflow:
    wf = BpmnWorkflow(spec.spec, spec.subprocess_specs, script_engine=RestrictedScriptEngine(context))
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(data)   # expressions cannot see wf.data
    wf.do_engine_steps()
    return wf


def restore(spec: Spec, state: str, context=None) -> BpmnWorkflow:
    wf = workflow_from_json(state, spec.spec, spec.subprocess_specs)
    return _engine(wf, context)   # the serializer does not restore the script engine


def _set_context(wf, context):
    if context is not None or not isinstance(wf.script_engine, RestrictedScriptEngine):
        _engine(wf, context)


def _ready(task) -> ReadyTask:
    ts = task.task_spec
    return ReadyTask(str(task.id), ts.bpmn_id, ts.bpmn_name, ts.lane,
                     getattr(getattr(ts, "form", None), "key", None),
                     dict(getattr(ts, "extensions", {}) or {}), dict(task.data))


def ready_user_tasks(wf) -> list[ReadyTask]:
    return [_ready(t) for t in wf.get_tasks(state=TaskState.READY, manual=True)]


def ready_user_task_guids(wf) -> set[str]:
    """The ids of the ready user tasks, without building their descriptions."""
    return {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}


def complete(wf, guid: str, data: dict, context=None) -> None:
    _set_context(wf, context)
    task = None
    for t in wf.get_tasks(state=TaskState.READY, manual=True):
        if str(t.id) == str(guid):
            task = t
            break
    if task is None:
        raise TaskNotReady(f"no ready user task {guid!r}")
    task.data.update(data)
    task.run()
    wf.do_engine_steps()


def fire_due_timers(wf, context=None) -> None:
    _set_context(wf, context)
    wf.refresh_timers()
    wf.do_engine_steps()


def next_timer_at(wf) -> datetime | None:
    due = []
    for task in wf.get_tasks(state=TaskState.WAITING):
        ed = getattr(task.task_spec, "event_definition", None)
        if isinstance(ed, TimerEventDefinition):
            value = ed.details(task).value
            if value:
                try:
                    due.append(TimerEventDefinition.get_datetime(value).astimezone(timezone.utc))
                except (TypeError, ValueError):
                    continue  # cycles/durations in unusual formats: not indexed
    return min(due) if due else None


def finished_end_event(wf):
    """(end event id, its camunda:properties) of the end event that finished the process, or None.

    The end event whose token completed the process's EndJoin: walk up from the COMPLETED
    top-level End task. (last_state_change is wall-clock and unreliable across clock changes;
    an escalation branch may reach its own end event earlier or later than the main path.)
    """
    for task in wf.get_tasks(state=TaskState.COMPLETED, spec_name="End"):
        if task.workflow is not wf:
            continue
        node = task.parent
        while node is not None and not isinstance(node.task_spec, EndEvent):
            node = node.parent
        if node is not None:
            return node.task_spec.bpmn_id, dict(getattr(node.task_spec, "extensions", {}) or {})
    ends = [t for t in wf.get_tasks(state=TaskState.COMPLETED)
            if t.workflow is wf and isinstance(t.task_spec, EndEvent)]
    if not ends:
        return None
    last = max(ends, key=lambda t: t.last_state_change)
    return last.task_spec.bpmn_id, dict(getattr(last.task_spec, "extensions", {}) or {})


def dump(wf) -> Saved:
    finished = wf.is_completed()
    if finished:
        data = dict(wf.data)
    else:
        data = dict(wf.last_task.data) if wf.last_task is not None else dict(wf.data)
    end = finished_end_event(wf) if finished else None
    return Saved(workflow_to_json(wf), SERIALIZER_VERSION, next_timer_at(wf), finished, data,
                 end[0] if end else None, end[1] if end else None)
