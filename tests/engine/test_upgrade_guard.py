"""Upgrade guard: a state saved by SpiffWorkflow 3.2.0 (serializer 1.5) must still load and run.

If this fails after a SpiffWorkflow upgrade, do NOT regenerate the fixtures to make it pass:
stored instances in the database look exactly like them. Write a migration instead.
Regenerate only deliberately: PRAVAH_REGEN_ENGINE_FIXTURES=1 pytest tests/engine -k upgrade
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import time_machine

import app.engine as engine

from engine_helpers import FIX, START_DATA, build

SPEC_FILE = FIX / "stored_spec_v1.json"
STATE_FILE = FIX / "stored_state_verify_v1.json"


def _regenerate():
    built = build()
    SPEC_FILE.write_text(built.spec_json, encoding="utf-8")
    with time_machine.travel(datetime(2030, 1, 9, tzinfo=timezone.utc), tick=False):
        wf = engine.start(engine.load_spec("regen", built.spec_json), dict(START_DATA))
        STATE_FILE.write_text(engine.dump(wf).state, encoding="utf-8")


def test_stored_state_round_trips(calls):
    if os.environ.get("PRAVAH_REGEN_ENGINE_FIXTURES"):
        _regenerate()
    spec_json = SPEC_FILE.read_text(encoding="utf-8")
    state = STATE_FILE.read_text(encoding="utf-8")
    assert engine.state_version(state) == "1.5"
    spec = engine.load_spec(("stored", "v1"), spec_json)
    wf = engine.restore(spec, state)
    saved = engine.dump(wf)
    assert saved.next_timer_at == datetime(2030, 1, 10, 4, 30, tzinfo=timezone.utc)
    assert json.loads(saved.state)["tasks"].keys() == json.loads(state)["tasks"].keys()
    with time_machine.travel(datetime(2030, 1, 11, tzinfo=timezone.utc), tick=False):
        engine.fire_due_timers(wf)
    assert calls.topics() == ["notify"]
    (ready,) = engine.ready_user_tasks(wf)
    assert ready.task_id == "verify" and ready.data["l1_role"] == "DM"
    engine.complete(wf, ready.guid, {})
    engine.complete(wf, engine.ready_user_tasks(wf)[0].guid, {"decision": "approve"})
    done = engine.dump(wf)
    assert done.finished and done.end_event == "end_approved"
    assert done.end_properties["status"] == "APPROVED"


def test_stored_spec_matches_current_build():
    """The fixture's spec serialization is what build() produces today (catches silent changes)."""
    assert json.loads(SPEC_FILE.read_text(encoding="utf-8")) == json.loads(build().spec_json)
