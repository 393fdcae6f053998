"""build(): accepted models and every kind of refusal, each with element id and line."""
from __future__ import annotations

import json

import pytest

import app.engine as engine
from app.engine import InvalidModel

from engine_helpers import FORMS, bpmn_text, build, dmn_text


def refused(**kw) -> list:
    with pytest.raises(InvalidModel) as exc:
        build(**kw)
    problems = exc.value.problems
    assert problems and str(exc.value)
    return problems


def one(problems, element_id):
    hits = [p for p in problems if p.element_id == element_id]
    assert hits, problems
    assert hits[0].line and hits[0].line > 0, hits[0]
    return hits[0]


def test_build_ok(built):
    meta = built.task_meta
    assert meta["verify"]["kind"] == "user" and meta["verify"]["lane"] == "BDO"
    assert meta["verify"]["form_key"] == "bdo_verify"
    assert meta["verify"]["properties"]["name_bn"] == "নথি যাচাই"
    assert meta["compute_sla"]["kind"] == "service"
    assert meta["compute_sla"]["properties"] == {"step": "verify", "days_variable": "sla_days"}
    assert meta["enquiry"]["properties"] == {"assignee_variable": "enquiry_officer"}
    assert meta["end_approved"] == {**meta["end_approved"], "kind": "end",
                                    "properties": {"status": "APPROVED", "name_bn": "অনুমোদিত"}}
    assert meta["verify_sla"]["kind"] == "boundary"
    assert meta["route"]["kind"] == "business_rule"
    assert built.process_id == "residential_edistrict"
    assert json.loads(built.spec_json)["spec"]["name"] == "residential_edistrict"


def test_sha256_is_stable_and_tracks_inputs(built):
    assert build().sha256 == built.sha256
    assert build(bpmn=bpmn_text().replace('name="Approve"', 'name="Approve!"')).sha256 != built.sha256
    assert build(forms={**FORMS, "extra": {}}).sha256 != built.sha256


def test_malformed_xml_has_line():
    text = bpmn_text().replace('<bpmn:userTask id="approve" name="Approve" camunda:formKey="bdo_decision"/>',
                               '<bpmn:userTask id="approve" name="Approve"')
    (p,) = refused(bpmn=text)
    assert p.file == "residential.bpmn" and p.line and "malformed XML" in p.message


def test_schema_error_has_line():
    text = bpmn_text().replace('<bpmn:exclusiveGateway id="gw_merge2"/>',
                               '<bpmn:exclusiveGateway id="gw_merge2"><bpmn:bogus/></bpmn:exclusiveGateway>')
    problems = refused(bpmn=text)
    assert any(p.message.startswith("schema:") and p.line for p in problems)


def test_dangling_flow_names_flow_and_ref():
    text = bpmn_text().replace('targetRef="end_rejected"', 'targetRef="nowhere"')
    p = one(refused(bpmn=text), "f_rejected")
    assert "nowhere" in p.message and "f_rejected" in p.message


def test_bad_condition_syntax():
    text = bpmn_text().replace('decision == "reject"', 'decision = "reject"')
    assert "syntax" in one(refused(bpmn=text), "f_rejected").message


def test_dunder_walk_in_condition_refused():
    text = bpmn_text().replace('decision == "reject"', '().__class__.__base__.__subclasses__()')
    assert "__class__" in one(refused(bpmn=text), "f_rejected").message


@pytest.mark.parametrize("expr", [
    "__import__('os')", "(lambda: 1)()", "[x for x in range(3)]", "(y := 1)",
    "getattr(decision, 'x')", "open('/etc/passwd')", "decision.format(1)", "_secret",
])
def test_unsafe_conditions_refused(expr):
    text = bpmn_text().replace('decision == "reject"', expr.replace("'", "&apos;"))
    one(refused(bpmn=text), "f_rejected")


def test_bad_timer_expression():
    text = bpmn_text().replace(">sla_due<", ">2025-01-13T09:00Z<")
    one(refused(bpmn=text), "verify_sla")


def test_script_task_refused():
    text = bpmn_text().replace(
        '<bpmn:userTask id="approve" name="Approve" camunda:formKey="bdo_decision"/>',
        '<bpmn:scriptTask id="sneaky" scriptFormat="python"><bpmn:script>import os</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:userTask id="approve" name="Approve" camunda:formKey="bdo_decision"/>')
    assert "script" in one(refused(bpmn=text), "sneaky").message


def test_unknown_topic():
    p = one(refused(known_topics={"compute_sla", "issue_certificate"}), "escalate")
    assert "notify" in p.message


def test_unknown_lane_role():
    p = one(refused(known_roles={"BDO", "CITIZEN"}), "lane_eo")
    assert "'EO'" in p.message


def test_missing_form():
    forms = {k: v for k, v in FORMS.items() if k != "eo_report"}
    assert "eo_report" in one(refused(forms=forms), "enquiry").message


def test_unknown_decision():
    text = bpmn_text().replace('camunda:decisionRef="routing"', 'camunda:decisionRef="nope"')
    assert "nope" in one(refused(bpmn=text), "route").message


def test_dmn_without_catch_all():
    text = dmn_text().replace('<inputEntry id="r3_d"><text>-</text>',
                              '<inputEntry id="r3_d"><text>"X"</text>')
    p = one(refused(dmn=text), "r_default")
    assert p.file == "routing.dmn" and "catch-all" in p.message


@pytest.mark.parametrize("cell, needle", [
    ('"N24","KOL"', "FEEL list"),
    ('not("N24")', "not(...)"),
    ("[0..100]", "range"),
    ("N24", "bare word"),
    ("().__class__", "not allowed"),
])
def test_feel_or_unsafe_dmn_cells(cell, needle):
    text = dmn_text().replace('<text> in ["N24", "KOL"]</text>',
                              f"<text>{cell.replace('&', '&amp;')}</text>")
    p = one(refused(dmn=text), "r2_d")
    assert needle in p.message


def test_every_problem_is_reported():
    text = (bpmn_text().replace('targetRef="end_rejected"', 'targetRef="nowhere"')
            .replace('decision == "approve"', 'decision ==')
            .replace('camunda:topic="notify"', 'camunda:topic="sms"'))
    problems = refused(bpmn=text, known_roles={"BDO", "CITIZEN"})
    ids = {p.element_id for p in problems}
    assert {"f_rejected", "f_approved", "escalate", "lane_eo"} <= ids
    assert all(p.line for p in problems)


@pytest.mark.parametrize("payload", [
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;'
    '</bpmn:definitions>',
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&xxe;'
    '</bpmn:definitions>',
])
def test_doctype_and_entities_refused(payload):
    problems = refused(bpmn=payload)
    assert any("DOCTYPE" in p.message and p.line == 2 for p in problems)


def test_size_cap():
    text = bpmn_text().replace("</bpmn:definitions>", "<!--" + "x" * (2 * 1024 * 1024) + "-->"
                               "</bpmn:definitions>")
    assert any("limit" in p.message for p in refused(bpmn=text))


def test_unknown_process_id():
    assert any("nope" in p.message for p in refused(process_id="nope"))


def test_spiff_semantic_error_gets_a_line():
    # a user task with two outgoing flows: Spiff refuses it, with no line number of its own
    text = bpmn_text().replace(
        '<bpmn:sequenceFlow id="f_decided" sourceRef="approve" targetRef="gw_decision"/>',
        '<bpmn:sequenceFlow id="f_decided" sourceRef="approve" targetRef="gw_decision"/>'
        '<bpmn:sequenceFlow id="f_extra" sourceRef="approve" targetRef="end_rejected"/>')
    with pytest.raises(InvalidModel) as exc:
        build(bpmn=text)
    (p,) = exc.value.problems
    assert p.element_id == "approve" and p.line and p.file == "residential.bpmn"


def test_registered_topics_default(calls):
    assert {"compute_sla", "notify", "issue_certificate"} <= engine.registered_topics()
