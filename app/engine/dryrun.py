"""Dry run of a built process: every path, every form action, every timer fired, services stubbed.

Explores breadth-first from the start: each state branches once for every (user task, action)
pair and every waiting timer not exercised before, so loops (send back → resubmit → verify) end.
Service tasks call a stub (the caller's, else the one registered with ``register_service(...,
dry_run=...)``, else ``{}``) — nothing outside the engine is touched. A path that raises (a gateway
whose conditions all fail, a timer naming a missing variable, a decision with no match followed by
a task needing its output) or stops with nothing to do becomes a problem on the element.
"""
from __future__ import annotations

import copy
from collections import deque
from typing import NamedTuple
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import TaskState

from .errors import ModelProblem
from .form_sample import sample_from_schema
from .registry import ServiceCall, dry_run_stub
from .samples import reason_of
from .script_engine import RestrictedScriptEngine
from .serializer import spec_from_json, workflow_from_json, workflow_to_json
from .xmlsafe import parse_xml

MAX_BRANCHES = 300


class DryRunResult(NamedTuple):
    problems: list[ModelProblem]
    reached: set          # BPMN ids completed on some path
    ends: set             # end events that finished a path
    branches: int
    unreached: list       # user, service and business rule tasks no path reached (a warning)
    warnings: list = []   # failures after a service with no dry-run stub: not checkable, not refused


class _DryEngine(RestrictedScriptEngine):
    def __init__(self, stubs: dict, unstubbed: set):
        super().__init__(None)
        self.stubs = stubs
        self.unstubbed = unstubbed

    def call_service(self, task, topic=None, properties=None, **kwargs):
        stub = self.stubs.get(topic, dry_run_stub(topic))
        call = ServiceCall(topic=topic, task_id=task.task_spec.bpmn_id, properties=dict(properties or {}),
                           data=copy.deepcopy(task.data), context=None)
        if stub is None:
            self.unstubbed.add(topic)
            return {}
        return dict(stub(call) or {}) if callable(stub) else dict(stub)


def _actions(form: dict | None) -> list:
    keys = [a.get("key") for a in (form or {}).get("x-actions") or [] if isinstance(a, dict)]
    return keys or [None]


def _completion(task, form: dict | None, action) -> dict:
    props = getattr(task.task_spec, "extensions", {}) or {}
    sample = sample_from_schema(form or {}) or {}
    if props.get("form_target"):
        data = {props["form_target"]: sample}
    else:
        data = {k: v for k, v in sample.items()} if isinstance(sample, dict) else {}
    data.update({"remarks": "Dry run", "reason": "Dry run"})
    if action is not None:
        data["action"] = action
    return data


class _Explorer:
    def __init__(self, spec_json, forms, stubs, locate):
        self.spec, self.subs = spec_from_json(spec_json)
        self.forms, self.stubs, self.locate = forms, stubs, locate
        self.problems: dict[tuple, ModelProblem] = {}
        self.warnings: dict[tuple, ModelProblem] = {}
        self.reached, self.ends, self.unstubbed = set(), set(), set()

    def new_engine(self):
        return _DryEngine(self.stubs, self.unstubbed)

    def _engine(self, wf):
        wf.script_engine = self.new_engine()
        return wf

    def restore(self, state):
        return self._engine(workflow_from_json(state, self.spec, self.subs))

    def fail(self, exc, trail, fallback=None):
        spec = getattr(exc, "task_spec", None)
        eid = getattr(spec, "bpmn_id", None) or fallback
        file, line = self.locate(eid)
        path = " → ".join(trail) or "start"
        key = (eid, reason_of(exc))
        if self.unstubbed:  # a real service would have returned variables we cannot know
            self.warnings.setdefault(key, ModelProblem(file, eid, line, (
                f"dry run ({path}) could not be checked: {reason_of(exc)} — services without a "
                f"dry-run stub: {', '.join(sorted(self.unstubbed))}")))
            return
        self.problems.setdefault(key, ModelProblem(file, eid, line,
                                                   f"dry run ({path}): {reason_of(exc)}"))

    def note(self, wf):
        for t in wf.get_tasks(state=TaskState.COMPLETED):
            bid = getattr(t.task_spec, "bpmn_id", None)
            if bid:
                self.reached.add(bid)

    def options(self, wf, covered):
        out = []
        for t in wf.get_tasks(state=TaskState.READY, manual=True):
            form = self.forms.get(getattr(getattr(t.task_spec, "form", None), "key", None))
            for action in _actions(form):
                out.append((("task", t.task_spec.bpmn_id, action), t.id, form, action))
        for t in wf.get_tasks(state=TaskState.WAITING):
            if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition):
                out.append((("timer", t.task_spec.bpmn_id, None), t.id, None, None))
        return [o for o in out if o[0] not in covered], bool(out)


def _fire(wf, task_id: UUID) -> None:
    task = wf.get_task_from_id(task_id)
    value = task._get_internal_data("event_value")
    if isinstance(value, dict) and "next" in value:
        value["next"] = "2000-01-01T00:00:00+00:00"
    task._set_internal_data(event_fired=True)
    wf.refresh_timers()
    wf.do_engine_steps()


def dry_run(spec_json: str, forms: dict, initial_data: dict, *, stubs: dict | None = None,
            locate=None, max_branches: int = MAX_BRANCHES) -> DryRunResult:
    """Walk every path of a built process (see module doc).

    :param locate: ``element_id -> (file, line)`` for the problems (``build_locator`` makes one).
    """
    ex = _Explorer(spec_json, forms, dict(stubs or {}), locate or (lambda eid: ("?", None)))
    wf = BpmnWorkflow(ex.spec, ex.subs, script_engine=ex.new_engine())
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(initial_data))
    try:
        wf.do_engine_steps()
    except Exception as exc:  # noqa: BLE001 - every failure is a finding
        ex.fail(exc, [])
        return DryRunResult(list(ex.problems.values()), ex.reached, ex.ends, 0, [], list(ex.warnings.values()))
    queue, covered, branches = deque([(workflow_to_json(wf), [])]), set(), 0
    while queue and branches < max_branches:
        state, trail = queue.popleft()
        wf = ex.restore(state)
        ex.note(wf)
        if wf.is_completed():
            ex.ends.update(t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)
                           if type(t.task_spec).__name__ == "EndEvent")
            continue
        todo, anything = ex.options(wf, covered)
        if not anything:
            waiting = [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.WAITING)]
            if not waiting:
                last = wf.last_task.task_spec.bpmn_id if wf.last_task is not None else None
                ex.fail(RuntimeError("the process stops here with nothing left to do"), trail, last)
            continue
        for key, task_id, form, action in todo:
            covered.add(key)
            branches += 1
            branch = ex.restore(state)
            label = f"{key[1]}:{action}" if action else key[1]
            try:
                if key[0] == "timer":
                    _fire(branch, task_id)
                    label = f"timer {key[1]}"
                else:
                    task = branch.get_task_from_id(task_id)
                    task.data.update(_completion(task, form, action))
                    task.run()
                    branch.do_engine_steps()
            except Exception as exc:  # noqa: BLE001
                ex.fail(exc, trail + [label], key[1])
                continue
            queue.append((workflow_to_json(branch), trail + [label]))
    kinds = ("UserTask", "PravahServiceTask", "BusinessRuleTask")
    unreached = sorted({ts.bpmn_id for s in [ex.spec, *ex.subs.values()] for ts in s.task_specs.values()
                        if type(ts).__name__ in kinds and ts.bpmn_id and ts.bpmn_id not in ex.reached})
    return DryRunResult(list(ex.problems.values()), ex.reached, ex.ends, branches, unreached,
                        list(ex.warnings.values()))


def build_locator(files: dict):
    """``element_id -> (file, line)`` over BPMN files ({file name: XML bytes or an lxml root})."""
    roots = {}
    for name, value in files.items():
        root = parse_xml(name, value)[0] if isinstance(value, (bytes, str)) else value
        if root is not None:
            roots[name] = root

    def locate(element_id):
        if element_id:
            for name, root in roots.items():
                hits = root.xpath("//*[@id=$i]", i=element_id)
                if hits:
                    return name, hits[0].sourceline
        return next(iter(roots), "?"), None
    return locate
