"""engine.reset_to_task: recall a completed user task (used by POST /applications/<ain>/recall)."""
import json
from pathlib import Path

import pytest

import app.engine as engine
from app.engine import registry

ROOT = Path(__file__).resolve().parents[2]
#: A frozen flow-A model (approval with send back), so the shipped ones may grow SLA steps.
FIXTURE = ROOT / "tests/services/fixtures"


#: A boundary timer on the resubmission task: after a recall it must not be refreshed any more.
TIMER = """
    <bpmn:boundaryEvent id="resubmit_reminder" attachedToRef="resubmit" cancelActivity="false">
      <bpmn:outgoing>flow_reminded</bpmn:outgoing>
      <bpmn:timerEventDefinition id="resubmit_reminder_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"2030-01-10T04:30:00+00:00"</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end_reminded"><bpmn:incoming>flow_reminded</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_reminded" sourceRef="resubmit_reminder" targetRef="end_reminded" />
  </bpmn:process>"""


def _bpmn(with_timer: bool) -> bytes:
    text = (FIXTURE / "bpmn/trade_noc.bpmn").read_text(encoding="utf-8")
    if with_timer:
        text = text.replace("<bpmn:flowNodeRef>resubmit</bpmn:flowNodeRef>",
                            "<bpmn:flowNodeRef>resubmit</bpmn:flowNodeRef><bpmn:flowNodeRef>resubmit_reminder</bpmn:flowNodeRef>"
                            "<bpmn:flowNodeRef>end_reminded</bpmn:flowNodeRef>", 1)
        text = text.replace("\n  </bpmn:process>", TIMER, 1)
    return text.encode()


@pytest.fixture(params=[False, True], ids=["plain", "timer_after_the_reset_point"])
def spec(request):
    saved = dict(registry._REGISTRY)
    engine.register_service("assign_processing_office", lambda call: {"processing_office": "GP-X"})
    engine.register_service("record_decision", lambda call: {"decision": call.properties["status"]})
    forms = {"approval": json.loads((ROOT / "forms/approval.json").read_text(encoding="utf-8")),
             "trade_noc": json.loads((FIXTURE / "forms/trade_noc.json").read_text(encoding="utf-8"))}
    built = engine.build({"trade_noc.bpmn": _bpmn(request.param)},
                         {"r.dmn": (ROOT / "dmn/processing_office_level.dmn").read_bytes()}, forms,
                         process_id="trade_noc", known_roles={"CITIZEN", "PRADHAN"},
                         known_topics={"assign_processing_office", "record_decision"})
    yield engine.load_spec(("test_reset", built.sha256), built.spec_json)
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


def _start(spec):
    return engine.start(spec, {"service_level": "GP", "location_level": "GP", "form": {"a": 1}})


@pytest.mark.parametrize("round_trip", [False, True])
def test_recall_send_back_returns_to_the_approval_task(spec, round_trip, request):
    wf = _start(spec)
    (approval,) = engine.ready_user_tasks(wf)
    engine.complete(wf, approval.guid, {"action": "send_back", "remarks": "blurred"})
    assert [t.task_id for t in engine.ready_user_tasks(wf)] == ["resubmit"]
    assert (engine.next_timer_at(wf) is not None) == request.node.callspec.params["spec"]
    if round_trip:
        wf = engine.restore(spec, engine.dump(wf).state)
    engine.reset_to_task(wf, approval.guid)
    (again,) = engine.ready_user_tasks(wf)
    assert (again.guid, again.task_id) == (approval.guid, "approve_certificate")
    assert "action" not in again.data and "remarks" not in again.data
    assert again.data["processing_office"] == "GP-X"
    assert engine.next_timer_at(wf) is None and not wf.event_manager.tasks   # the resubmit timer went with it
    engine.fire_due_timers(wf)
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
