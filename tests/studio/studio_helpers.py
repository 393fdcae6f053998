"""Shipped model files for the studio tests, and small ways to change them."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: A frozen copy of the shipped model (the shipped one changes as areas add steps; the tests edit this)
FIXTURES = Path(__file__).parent / "fixtures"
KEY = "residential_edistrict"
BPMN = (FIXTURES / f"{KEY}.bpmn").read_text(encoding="utf-8")
DMN_NAME = "processing_office_level.dmn"
DMN = (FIXTURES / DMN_NAME).read_text(encoding="utf-8")
FORMS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (FIXTURES / "forms").glob("*.json")}
ROLES = {"CITIZEN", "OPERATOR", "PRADHAN", "BDO", "EO", "SDO", "DM", "ANALYST", "ADMIN"}
TOPICS = {"assign_processing_office", "record_decision"}
STUBS = {"assign_processing_office": {"processing_office": "X"},
         "record_decision": lambda call: {"decision": call.properties.get("status")}}
SEED = {"service_key": KEY, "service_level": "BLOCK", "location_level": "GP", "location_lgd": "1",
        "channel": "CSC", "tatkal": False, "form": {}}

# A timer on the verification step (non-interrupting, timeDate from a variable) and its escalation
TIMER = """
    <bpmn:boundaryEvent id="verify_sla" name="Verification overdue" attachedToRef="verify_documents" cancelActivity="false">
      <bpmn:outgoing>flow_overdue</bpmn:outgoing>
      <bpmn:timerEventDefinition id="verify_sla_def">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">sla_due</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="escalate" name="Escalate" camunda:type="external" camunda:topic="record_decision">
      <bpmn:extensionElements><camunda:properties><camunda:property name="status" value="REJECTED" /></camunda:properties></bpmn:extensionElements>
      <bpmn:incoming>flow_overdue</bpmn:incoming><bpmn:outgoing>flow_escalated</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end_escalated"><bpmn:incoming>flow_escalated</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_overdue" sourceRef="verify_sla" targetRef="escalate" />
    <bpmn:sequenceFlow id="flow_escalated" sourceRef="escalate" targetRef="end_escalated" />
  </bpmn:process>"""


def with_timer(bpmn: str = BPMN) -> str:
    return bpmn.replace("</bpmn:process>", TIMER, 1).replace(
        '<bpmn:flowNodeRef>verify_documents</bpmn:flowNodeRef>',
        '<bpmn:flowNodeRef>verify_documents</bpmn:flowNodeRef><bpmn:flowNodeRef>escalate</bpmn:flowNodeRef>', 1)


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


# A new BDO step before verification: "scrutiny" with its own form (what the e2e test adds in the browser)
SCRUTINY_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Scrutiny", "title_bn": "যাচাই",
    "type": "object", "additionalProperties": False, "properties": {},
    "x-actions": [{"key": "done", "title": "Scrutiny done", "title_bn": "যাচাই সম্পন্ন"}]}
SCRUTINY_TASK = """
    <bpmn:userTask id="scrutiny" name="Scrutiny" camunda:formKey="scrutiny">
      <bpmn:incoming>flow_assigned</bpmn:incoming>
      <bpmn:outgoing>flow_scrutinised</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_scrutinised" sourceRef="scrutiny" targetRef="verify_documents" />
  </bpmn:process>"""


def with_scrutiny(bpmn: str = BPMN) -> str:
    out = bpmn.replace('<bpmn:sequenceFlow id="flow_assigned" sourceRef="assign_office" targetRef="verify_documents" />',
                       '<bpmn:sequenceFlow id="flow_assigned" sourceRef="assign_office" targetRef="scrutiny" />')
    out = out.replace("<bpmn:incoming>flow_assigned</bpmn:incoming>\n      <bpmn:incoming>flow_resubmitted</bpmn:incoming>",
                      "<bpmn:incoming>flow_scrutinised</bpmn:incoming>\n      <bpmn:incoming>flow_resubmitted</bpmn:incoming>")
    out = out.replace("</bpmn:process>", SCRUTINY_TASK, 1)
    return out.replace('<bpmn:flowNodeRef>verify_documents</bpmn:flowNodeRef>',
                       '<bpmn:flowNodeRef>scrutiny</bpmn:flowNodeRef><bpmn:flowNodeRef>verify_documents</bpmn:flowNodeRef>', 1)
