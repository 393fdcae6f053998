"""Every shipped BPMN, every path of form actions: once straight through, once with the state saved
and restored between every step — both must end the same way (DESIGN.md §10).

Services are replaced by their dry-run stubs (or a stub returning the decision a task's properties
name), so this checks the process models and the engine's persistence, not the services.
"""
import copy
from pathlib import Path

import pytest

from app import engine
from app.engine import registry
from app.models import ProcessVersion

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.stem for p in (ROOT / "bpmn").glob("*.bpmn"))
MAX_PATHS = 60


def _stub(topic):
    given = registry.dry_run_stub(topic)
    if given is not None:
        return given
    return lambda call: {"decision": call.properties["status"]} if "status" in call.properties else {}


@pytest.fixture
def stubbed():
    saved = dict(registry._REGISTRY)
    for topic in list(saved):
        registry._REGISTRY[topic] = _stub(topic)
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


def _completion(task, forms, action):
    form = forms.get(task.form_key) or {}
    sample = engine.sample_from_schema(form) or {}
    target = task.properties.get("form_target")
    data = {target: sample} if target else dict(sample)
    data.update({"action": action, "remarks": "checked", "reason": "checked"})
    return data


def _actions(task, forms):
    form = forms.get(task.form_key) or {}
    return [a["key"] for a in form.get("x-actions", [])] or ["resubmit"]


def paths(spec, forms, start_data):
    """Action sequences from start to an end, each (task, action) pair at most once per path."""
    found, stack = [], [[]]
    while stack and len(found) < MAX_PATHS:
        prefix = stack.pop()
        wf = engine.start(spec, copy.deepcopy(start_data))
        for task_key, action in prefix:
            task = next(t for t in engine.ready_user_tasks(wf) if t.task_id == task_key)
            engine.complete(wf, task.guid, _completion(task, forms, action))
        ready = engine.ready_user_tasks(wf)
        if not ready:
            found.append(prefix)
            continue
        task = ready[0]
        for action in _actions(task, forms):
            if (task.task_id, action) not in prefix:
                stack.append(prefix + [(task.task_id, action)])
    return found


def run(spec, forms, start_data, steps, roundtrip):
    wf = engine.start(spec, copy.deepcopy(start_data))
    seen = []
    for task_key, action in steps:
        if roundtrip:
            wf = engine.restore(spec, engine.dump(wf).state)
        ready = engine.ready_user_tasks(wf)
        seen.append(sorted(t.task_id for t in ready))
        task = next(t for t in ready if t.task_id == task_key)
        engine.complete(wf, task.guid, _completion(task, forms, action))
    if roundtrip:
        wf = engine.restore(spec, engine.dump(wf).state)
    saved = engine.dump(wf)
    return seen, saved.finished, saved.end_event, saved.data.get("decision")


@pytest.mark.parametrize("service_key", SERVICES)
def test_every_path_straight_and_with_save_restore(service_key, app, stubbed):
    with app.app_context():
        version = ProcessVersion.query.filter_by(process_key=service_key, status="active").one()
        spec = engine.load_spec(("every-path", version.sha256), version.spec_json)
        forms = version.forms
    start_data = {"service_key": service_key, "service_level": "BLOCK", "location_level": "GP",
                  "location_lgd": "131001", "channel": "CSC", "tatkal": False,
                  "form": engine.sample_from_schema(forms[service_key]) or {}}
    all_paths = paths(spec, forms, start_data)
    assert all_paths, "no path reaches an end"
    decisions = set()
    for steps in all_paths:
        straight = run(spec, forms, start_data, steps, roundtrip=False)
        restored = run(spec, forms, start_data, steps, roundtrip=True)
        assert straight == restored, steps
        assert straight[1], f"path {steps} did not finish"
        decisions.add(straight[3])
    assert {"APPROVED", "REJECTED"} <= decisions
