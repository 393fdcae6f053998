"""DMN sample rows: run a decision table on inputs the analyst wrote and compare the outputs.

Samples live beside the DMN (``dmn/<name>.samples.json``)::

    [{"decision": "processing_office_level",          # optional when the file has one decision
      "inputs": {"service_level": "BLOCK", "location_level": "GP"},
      "expect": {"office_level": "BLOCK"}}]

Each decision is evaluated the way a running process evaluates it: a one-task process (start →
business rule task → end) parsed by our parser and run with our restricted script engine, so a
sample fails exactly where a real application would.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import TaskState

from . import lint
from .errors import ModelProblem
from .script_engine import RestrictedScriptEngine
from .xmlsafe import parse_xml

_PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="probe_defs" targetNamespace="urn:pravah:probe">
  <bpmn:process id="pravah_sample_probe" isExecutable="true">
    <bpmn:startEvent id="probe_start"><bpmn:outgoing>probe_f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="probe_decide" camunda:decisionRef="{decision}">
      <bpmn:incoming>probe_f1</bpmn:incoming><bpmn:outgoing>probe_f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="probe_end"><bpmn:incoming>probe_f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="probe_f1" sourceRef="probe_start" targetRef="probe_decide" />
    <bpmn:sequenceFlow id="probe_f2" sourceRef="probe_decide" targetRef="probe_end" />
  </bpmn:process>
</bpmn:definitions>"""

_MISSING = object()


def _decisions(root) -> dict[str, object]:
    return {d.get("id"): d for d in root.iter() if lint._local(d) == "decision" and d.get("id")}


def _probe_spec(root, file: str, decision_id: str):
    from .build import PravahParser
    from lxml import etree
    parser = PravahParser()
    parser.add_dmn_xml(root, filename=file)
    probe = _PROBE.replace("{decision}", decision_id)
    parser.add_bpmn_xml(etree.fromstring(probe.encode()), filename="probe.bpmn")
    return parser.get_spec("pravah_sample_probe"), parser.get_subprocess_specs("pravah_sample_probe")


def decide(spec, inputs: dict) -> dict:
    """Outputs of the probe's decision for ``inputs`` ({} when no rule matches)."""
    wf = BpmnWorkflow(spec[0], spec[1], script_engine=RestrictedScriptEngine())
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(inputs)
    wf.do_engine_steps()
    decided = [t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == "probe_decide"]
    data = dict(decided[0].data) if decided else {}
    return {k: v for k, v in data.items() if k not in inputs}


def _check_sample(file, el, n, sample, decision_id, spec) -> list[ModelProblem]:
    where = f"sample {n}"
    inputs, expect = sample.get("inputs"), sample.get("expect")
    if not isinstance(inputs, dict) or not isinstance(expect, dict):
        return [ModelProblem(file, decision_id, el.sourceline,
                             f"{where}: needs an object 'inputs' and an object 'expect'")]
    try:
        got = decide(spec, inputs)
    except Exception as exc:  # noqa: BLE001 - a sample must never crash the deploy
        return [ModelProblem(file, decision_id, el.sourceline,
                             f"{where}: the decision failed on inputs {inputs}: {reason_of(exc)}")]
    if not got:
        return [ModelProblem(file, decision_id, el.sourceline,
                             f"{where}: no rule matched inputs {inputs} (is the catch-all last?)")]
    wrong = [f"{k} = {got.get(k, '(nothing)')!r}, expected {v!r}" for k, v in expect.items()
             if got.get(k, _MISSING) != v]
    if wrong:
        return [ModelProblem(file, decision_id, el.sourceline,
                             f"{where} with inputs {inputs}: " + "; ".join(wrong))]
    return []


def reason_of(exc: BaseException) -> str:
    """The innermost cause in plain words (Spiff wraps the real error and adds notes)."""
    inner = exc
    while inner.__cause__ is not None:
        inner = inner.__cause__
    rows = [n for n in getattr(exc, "notes", []) or [] if n.startswith("Rule failed")]
    text = (str(inner).splitlines() or [type(inner).__name__])[0]
    if isinstance(inner, NameError):
        text = f"{text} (give it in the inputs)"
    return text + (f" ({rows[0].lower()})" if rows else "")


def run_dmn_samples(dmn: dict[str, bytes], samples: dict[str, list]) -> list[ModelProblem]:
    """Run every sample against its decision; return the failures (each names the decision).

    :param dmn: {file name: DMN XML}
    :param samples: {DMN file name: [sample, ...]} — a sample names its ``decision`` unless the file
        defines exactly one.
    """
    problems: list[ModelProblem] = []
    for file in sorted(samples):
        rows = samples[file]
        if file not in dmn:
            problems.append(ModelProblem(file, None, None, f"samples given for '{file}', which was not uploaded"))
            continue
        root, errs = parse_xml(file, dmn[file])
        if root is None:
            problems += errs
            continue
        if not isinstance(rows, list):
            problems.append(ModelProblem(file, None, None, "samples must be a JSON list"))
            continue
        decisions = _decisions(root)
        specs: dict[str, object] = {}
        for n, sample in enumerate(rows, 1):
            if not isinstance(sample, dict):
                problems.append(ModelProblem(file, None, None, f"sample {n} must be an object"))
                continue
            decision_id = sample.get("decision") or (next(iter(decisions)) if len(decisions) == 1 else None)
            if decision_id not in decisions:
                problems.append(ModelProblem(file, decision_id, None,
                                             f"sample {n}: name the decision (one of {', '.join(sorted(decisions))})"))
                continue
            el = decisions[decision_id]
            if decision_id not in specs:
                try:
                    specs[decision_id] = _probe_spec(root, file, decision_id)
                except Exception as exc:  # the build reports parse problems; here just skip
                    problems.append(ModelProblem(file, decision_id, el.sourceline,
                                                 f"the decision could not be prepared: {reason_of(exc)}"))
                    specs[decision_id] = None
            if specs[decision_id] is not None:
                problems += _check_sample(file, el, n, sample, decision_id, specs[decision_id])
    return problems


def evaluate_decision(dmn: dict[str, bytes], decision_id: str, inputs: dict) -> dict | None:
    """Outputs of decision ``decision_id`` (in whichever uploaded file defines it) for ``inputs``,
    evaluated as a running process would; ``{}`` when no rule matches, ``None`` when no file defines it.

    :raises Exception: what the decision raises (a cell naming a variable not in ``inputs``…).
    """
    for file in sorted(dmn):
        root, _errs = parse_xml(file, dmn[file])
        if root is not None and decision_id in _decisions(root):
            return decide(_probe_spec(root, file, decision_id), inputs)
    return None
