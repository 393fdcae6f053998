"""engine.reset_to_task: recall a completed user task (used by POST /applications/<ain>/recall)."""
import json
from pathlib import Path

import pytest

import app.engine as engine
from app.engine import registry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def spec():
    saved = dict(registry._REGISTRY)
    engine.register_service("assign_processing_office", lambda call: {"processing_office": "GP-X"})
    engine.register_service("record_decision", lambda call: {"decision": call.properties["status"]})
    forms = {k: json.loads((ROOT / "forms" / f"{k}.json").read_text(encoding="utf-8")) for k in ("approval", "income")}
    built = engine.build({"income.bpmn": (ROOT / "bpmn/income.bpmn").read_bytes()},
                         {"r.dmn": (ROOT / "dmn/processing_office_level.dmn").read_bytes()}, forms,
                         process_id="income", known_roles={"CITIZEN", "PRADHAN"},
                         known_topics={"assign_processing_office", "record_decision"})
    yield engine.load_spec(("test_reset", built.sha256), built.spec_json)
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


def _start(spec):
    return engine.start(spec, {"service_level": "GP", "location_level": "GP", "form": {"a": 1}})


@pytest.mark.parametrize("round_trip", [False, True])
def test_recall_send_back_returns_to_the_approval_task(spec, round_trip):
    wf = _start(spec)
    (approval,) = engine.ready_user_tasks(wf)
    engine.complete(wf, approval.guid, {"action": "send_back", "remarks": "blurred"})
    assert [t.task_id for t in engine.ready_user_tasks(wf)] == ["resubmit"]
    if round_trip:
        wf = engine.restore(spec, engine.dump(wf).state)
    engine.reset_to_task(wf, approval.guid)
    (again,) = engine.ready_user_tasks(wf)
    assert (again.guid, again.task_id) == (approval.guid, "approve_certificate")
    assert "action" not in again.data and "remarks" not in again.data
    assert again.data["processing_office"] == "GP-X"
    wf = engine.restore(spec, engine.dump(wf).state)
    engine.complete(wf, approval.guid, {"action": "approve"})
    saved = engine.dump(wf)
    assert saved.finished and saved.end_event == "end_approved"


def test_only_a_completed_user_task_can_be_recalled(spec):
    wf = _start(spec)
    (approval,) = engine.ready_user_tasks(wf)
    with pytest.raises(engine.TaskNotReady):
        engine.reset_to_task(wf, approval.guid)          # still ready, not completed
    with pytest.raises(engine.TaskNotReady):
        engine.reset_to_task(wf, "not-a-task")
    engine.complete(wf, approval.guid, {"action": "approve"})
    assert engine.dump(wf).finished
