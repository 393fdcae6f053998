"""The shipped process models: every officer step is guarded by L1/L2 timers; the matrix matches the catalogue."""
import json
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
C = "{http://camunda.org/schema/1.0/bpmn}"
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"
BPMNS = sorted((ROOT / "bpmn").glob("*.bpmn"))


def props(el):
    return {p.get("name"): p.get("value") for p in el.iter(f"{C}property")}


@pytest.mark.parametrize("path", BPMNS, ids=[p.stem for p in BPMNS])
def test_every_officer_step_has_l1_and_l2_timers(path):
    root = etree.parse(str(path)).getroot()
    lanes = {ref.text: lane.get("name") for lane in root.iter(f"{B}lane") for ref in lane.iter(f"{B}flowNodeRef")}
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    flows = {f.get("sourceRef"): f.get("targetRef") for f in root.iter(f"{B}sequenceFlow")}
    topics = {el.get(f"{C}topic") for el in root.iter(f"{B}serviceTask")}
    assert "compute_sla" in topics
    assert any(el.get(f"{C}decisionRef") == "escalation_matrix" for el in root.iter(f"{B}businessRuleTask"))
    steps = [t for t in root.iter(f"{B}userTask") if lanes[t.get("id")] != "CITIZEN"]
    assert steps
    shapes = {s.get("bpmnElement") for s in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")}
    for task in steps:
        step = props(task)["sla_step"]
        timers = [b for b in root.iter(f"{B}boundaryEvent") if b.get("attachedToRef") == task.get("id")]
        found = {}
        for timer in timers:
            assert timer.get("cancelActivity") == "false"
            expr = timer.find(f"{B}timerEventDefinition/{B}timeDate").text
            escalate = by_id[flows[timer.get("id")]]
            assert escalate.get(f"{C}topic") == "escalate" and props(escalate)["task"] == task.get("id")
            found[props(escalate)["level"]] = expr
            assert {timer.get("id"), escalate.get("id")} <= shapes
        assert found == {"1": f'sla["{step}"]["due"]', "2": f'sla["{step}"]["l1_due"]'}
    for paused in [t for t in root.iter(f"{B}userTask") if props(t).get("sla_paused") == "true"]:
        assert by_id[flows[paused.get("id")]].get(f"{C}topic") == "compute_sla"   # the clock resumes


def _matrix():
    root = etree.parse(str(ROOT / "dmn" / "escalation_matrix.dmn")).getroot()
    rows = []
    for rule in root.iter(f"{DMN}rule"):
        cells = [e.find(f"{DMN}text").text or "" for e in rule.findall(f"{DMN}outputEntry")]
        service = rule.find(f"{DMN}inputEntry/{DMN}text").text or ""
        rows.append((service, [eval(c) if c else None for c in cells]))   # noqa: S307 - our own constants
    return rows


def test_matrix_matches_the_published_catalogue():
    catalogue = json.loads((ROOT / "app" / "catalogue" / "services.json").read_text(encoding="utf-8"))
    rows = _matrix()
    for service in catalogue["services"]:
        for number, step in enumerate(service["sla"]["steps"], start=1):
            mine = [r for s, r in rows if f'"{service["key"]}"' in s and r[0] in (str(number), "*")][0]
            assert mine[1] == step["days"], service["key"]
            assert (mine[2], mine[3]) == (step["l1"]["role"], step["l1"]["days"]), service["key"]
            l2 = step.get("l2")
            assert (mine[4] or None, mine[5]) == ((l2["role"], l2["days"]) if l2 else (None, None)), service["key"]
