"""A diagram made for Camunda is refused with plain-words advice on what to change."""
import io

from app.processes.import_advice import python_for

from .conftest import ANALYST
from .studio_helpers import KEY

CAMUNDA_STYLE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_0x1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_check" name="Check" camunda:assignee="demo" camunda:formKey="embedded:app:forms/check.html">
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="Gateway_1"><bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_yes</bpmn:outgoing><bpmn:outgoing>Flow_no</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:serviceTask id="Task_mail" name="Mail" camunda:class="org.example.Mail"><bpmn:incoming>Flow_yes</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>Flow_3</bpmn:incoming><bpmn:incoming>Flow_no</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_check" targetRef="Gateway_1" />
    <bpmn:sequenceFlow id="Flow_yes" sourceRef="Gateway_1" targetRef="Task_mail">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${income gt 100000 &amp;&amp; !approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_no" sourceRef="Gateway_1" targetRef="End_1" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_mail" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_juel_reads_as_python():
    assert python_for("${income gt 100000 && !approved}") == "income > 100000 and not approved"
    assert python_for("${status == 'OK' || empty remarks}") == "status == 'OK' or not remarks"
    assert python_for("status == 'OK'") is None


def test_camunda_diagram_gets_advice_in_plain_words(api):
    r = api.client.post(f"/api/v1/process-models/{KEY}/versions",
                        data={"bpmn": (io.BytesIO(CAMUNDA_STYLE.encode()), "diagram.bpmn")},
                        headers={"Authorization": f"Bearer {api.token(ANALYST)}"}, content_type="multipart/form-data")
    assert r.status_code == 422
    advice = r.get_json()["error"]["advice"]
    text = "\n".join(advice)
    assert f"The process id is 'Process_0x1'" in advice[0] and f"set the process id to '{KEY}'" in advice[0]
    assert "write `income > 100000 and not approved`" in text and "on Flow_yes" in text
    assert "decided by its lane, not by camunda:assignee" in text
    assert "camunda:formKey to the form's name" in text
    assert "Service task 'Task_mail': set Implementation to External" in text
    assert "no lanes" in text
