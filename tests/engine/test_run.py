"""Running the fixture process: every path straight and with dump/restore between every step."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import time_machine

import app.engine as engine
from app.engine import TaskNotReady

from engine_helpers import SLA_DUE

START = {"district_code": "MSD", "annual_income": 50000, "enquiry_requested": False,
         "remarks": ""}

PATHS = {
    # name: (start data overrides, [(expected ready task, data to complete)], end event)
    "approve_direct": ({}, [("verify", {}), ("approve", {"decision": "approve"})], "end_approved"),
    "dmn_catch_all_enquiry_reject": (
        {"district_code": "XYZ"},
        [("verify", {}), ("enquiry", {"report": "ok"}), ("approve", {"decision": "reject"})],
        "end_rejected"),
    "requested_enquiry": (
        {"district_code": "N24", "annual_income": 200000},
        [("verify", {"enquiry_requested": True}), ("enquiry", {}),
         ("approve", {"decision": "approve"})], "end_approved"),
    "send_back_loop": (
        {}, [("verify", {}), ("approve", {"decision": "send_back", "remarks": "photo"}),
             ("resubmit", {"remarks": "new photo"}), ("verify", {}),
             ("approve", {"decision": "send_back", "remarks": "again"}),
             ("resubmit", {}), ("verify", {}), ("approve", {"decision": "approve"})],
        "end_approved"),
}


def run_path(spec, name, roundtrip: bool):
    overrides, steps, _ = PATHS[name]
    wf = engine.start(spec, {**START, **overrides}, context="ctx")
    seen = []
    for expected, data in steps:
        if roundtrip:
            wf = engine.restore(spec, engine.dump(wf).state, context="ctx")
        ready = engine.ready_user_tasks(wf)
        assert [t.task_id for t in ready] == [expected], (name, seen)
        seen.append((expected, sorted(ready[0].data)))
        engine.complete(wf, ready[0].guid, data, context="ctx")
    if roundtrip:
        wf = engine.restore(spec, engine.dump(wf).state)
    saved = engine.dump(wf)
    return seen, saved


@pytest.mark.parametrize("name", sorted(PATHS))
def test_paths_straight_and_with_roundtrip(spec, calls, name):
    straight_seen, straight = run_path(spec, name, roundtrip=False)
    calls.clear()
    round_seen, rounded = run_path(spec, name, roundtrip=True)
    assert straight_seen == round_seen
    assert straight.finished and rounded.finished
    assert straight.end_event == rounded.end_event == PATHS[name][2]
    assert straight.data == rounded.data
    assert straight.next_timer_at is None
    if straight.end_event == "end_approved":
        assert straight.end_properties == {"status": "APPROVED", "name_bn": "অনুমোদিত"}
        assert straight.data["uin"] == "HHA0122026000001"
    else:
        assert straight.end_properties == {"status": "REJECTED"}
    assert engine.finished_end_event(engine.restore(spec, rounded.state))[0] == PATHS[name][2]


def test_dmn_routing_outputs(spec, calls):
    wf = engine.start(spec, {**START, "district_code": "N24", "annual_income": 10})
    data = engine.ready_user_tasks(wf)[0].data
    assert data["needs_enquiry"] is False and data["l1_role"] == "SDO"
    wf = engine.start(spec, {**START, "district_code": "MSD", "annual_income": 10 ** 6})
    assert engine.ready_user_tasks(wf)[0].data["l1_role"] == "DM"  # falls to the catch-all
    assert engine.ready_user_tasks(wf)[0].data["needs_enquiry"] is True


def test_service_gets_context_and_properties_and_result_flows_on(spec, calls):
    wf = engine.start(spec, dict(START), context={"actor": 7})
    (call,) = calls
    assert call.topic == "compute_sla" and call.task_id == "compute_sla"
    assert call.properties == {"step": "verify", "days_variable": "sla_days"}
    assert call.context == {"actor": 7} and call.data["district_code"] == "MSD"
    ready = engine.ready_user_tasks(wf)[0]
    assert ready.data["sla_due"] == SLA_DUE
    assert ready.properties == {"status": "UNDER_VERIFICATION", "name_bn": "নথি যাচাই"}
    assert ready.lane == "BDO" and ready.form_key == "bdo_verify"
    engine.complete(wf, ready.guid, {})
    engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {"decision": "approve"},
                    context="second")
    assert calls[-1].topic == "issue_certificate" and calls[-1].context == "second"
    assert calls[-1].data["sla_due"] == SLA_DUE  # an earlier service's output reached it


def test_service_call_data_is_a_copy(spec, calls):
    def mutate(call):
        call.data["district_code"] = "HACK"
        return {"sla_due": SLA_DUE}
    engine.register_service("compute_sla", mutate)
    wf = engine.start(spec, dict(START))
    assert engine.ready_user_tasks(wf)[0].data["district_code"] == "MSD"


def test_raising_service_propagates(spec, calls):
    class Down(RuntimeError):
        pass

    def issue(call):
        raise Down("signing server down")
    engine.register_service("issue_certificate", issue)
    wf = engine.start(spec, dict(START))
    engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {})
    with pytest.raises(Down):
        engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {"decision": "approve"})
    assert not engine.dump(wf).finished


def test_unknown_or_finished_guid(spec, calls):
    wf = engine.start(spec, dict(START))
    guid = engine.ready_user_tasks(wf)[0].guid
    with pytest.raises(TaskNotReady):
        engine.complete(wf, "00000000-0000-0000-0000-000000000000", {})
    engine.complete(wf, guid, {})
    with pytest.raises(TaskNotReady):
        engine.complete(wf, guid, {})


def test_state_has_no_spec(spec, calls, built):
    wf = engine.start(spec, dict(START))
    saved = engine.dump(wf)
    state = json.loads(saved.state)
    assert "spec" not in state and "subprocess_specs" not in state
    assert "task_specs" not in saved.state and "conditionExpression" not in saved.state
    assert saved.serializer_version == engine.SERIALIZER_VERSION == engine.state_version(saved.state)
    assert len(saved.state) < len(built.spec_json)


def test_spec_cache_returns_same_objects(built):
    engine.clear_spec_cache()
    a = engine.load_spec("v1", built.spec_json)
    assert engine.load_spec("v1", built.spec_json) is a
    assert engine.load_spec("v1", "not even json") is a  # keyed: the json is not re-read
    b = engine.load_spec("v2", built.spec_json)
    assert b.spec is not a.spec
    for i in range(engine.runner.SPEC_CACHE_SIZE):
        engine.load_spec(("filler", i), built.spec_json)
    assert engine.load_spec("v1", built.spec_json) is not a  # evicted (LRU) and rebuilt


def test_restore_always_sets_restricted_engine(spec, calls):
    wf = engine.restore(spec, engine.dump(engine.start(spec, dict(START))).state)
    assert isinstance(wf.script_engine, engine.script_engine.RestrictedScriptEngine)


# ------------------------------------------------------------------ timers
def test_boundary_timer_fires_once(spec, calls):
    with time_machine.travel(datetime(2030, 1, 9, tzinfo=timezone.utc), tick=False):
        wf = engine.start(spec, dict(START))
        saved = engine.dump(wf)
        assert saved.next_timer_at == datetime(2030, 1, 10, 4, 30, tzinfo=timezone.utc)
        assert saved.next_timer_at.tzinfo is not None
        engine.fire_due_timers(wf)
        assert "notify" not in calls.topics()
    with time_machine.travel(datetime(2030, 1, 10, 5, 0, tzinfo=timezone.utc), tick=False):
        wf = engine.restore(spec, saved.state)
        engine.fire_due_timers(wf, context="sweep")
        assert calls.topics().count("notify") == 1
        esc = [c for c in calls if c.topic == "notify"][0]
        assert esc.properties == {"template": "escalation_l1"} and esc.context == "sweep"
        assert [t.task_id for t in engine.ready_user_tasks(wf)] == ["verify"]  # non-interrupting
        saved2 = engine.dump(wf)
        assert saved2.next_timer_at is None and not saved2.finished
        wf = engine.restore(spec, saved2.state)
        engine.fire_due_timers(wf)
        engine.fire_due_timers(wf)
        assert calls.topics().count("notify") == 1
        engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {})
        engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {"decision": "approve"})
        saved3 = engine.dump(wf)
        assert saved3.finished and saved3.end_event == "end_approved"


def test_timer_cancelled_after_guarded_task(spec, calls):
    with time_machine.travel(datetime(2030, 1, 9, tzinfo=timezone.utc), tick=False):
        wf = engine.start(spec, dict(START))
        engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {})
        assert engine.dump(wf).next_timer_at is None
    with time_machine.travel(datetime(2030, 2, 1, tzinfo=timezone.utc), tick=False):
        engine.fire_due_timers(wf)
        assert "notify" not in calls.topics()


# ------------------------------------------------------------------ restricted evaluation
WALKS = [
    "().__class__.__base__.__subclasses__()",
    "[].__class__.__mro__[1].__subclasses__()",
    "__builtins__",
    "__import__('os').system('id')",
    "(lambda: 1)()",
    "[c for c in ().__class__.__bases__]",
    "getattr((), '__class__')",
    "'{0.__class__}'.format(1)",
    "open('/etc/passwd').read()",
]


@pytest.mark.parametrize("expr", WALKS)
def test_evaluator_refuses_dunder_walks(expr):
    with pytest.raises(engine.UnsafeExpression):
        engine.evaluate(expr, {"x": 1})
    assert engine.check_expression(expr)


@pytest.mark.parametrize("expr", WALKS)
def test_runtime_engine_refuses_dunder_walks(spec, calls, expr):
    wf = engine.start(spec, dict(START))
    task = wf.get_tasks(state=engine.runner.TaskState.READY, manual=True)[0]
    with pytest.raises(Exception) as exc:
        wf.script_engine.evaluate(task, expr)
    assert isinstance(exc.value.__cause__, engine.UnsafeExpression) or isinstance(
        getattr(exc.value, "exception", None), engine.UnsafeExpression)


def test_runtime_engine_refuses_scripts(spec, calls):
    wf = engine.start(spec, dict(START))
    task = engine.ready_user_tasks(wf)[0]
    spiff_task = wf.get_task_from_id(__import__("uuid").UUID(task.guid))
    with pytest.raises(engine.ScriptsDisabled):
        wf.script_engine.execute(spiff_task, "x = 1")


def test_evaluator_allows_the_usual():
    data = {"decision": "approve", "remarks": "ab", "n": 5, "d": {"a": 1}}
    assert engine.evaluate('decision == "approve" and len(remarks) > 1', data) is True
    assert engine.evaluate("max(n, 10) - abs(-2) if n in [1, 5] else 0", data) == 8
    assert engine.evaluate('d.get("a") + d["a"]', data) == 2
    assert engine.evaluate('remarks.upper().startswith("A")', data) is True
    with pytest.raises(NameError):
        engine.evaluate("unknown_var", data)
