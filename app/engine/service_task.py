"""Service task (camunda:type="external" camunda:topic=...): spec, parser and converter.

Also the event parsers that read camunda:properties on events (3.2.0's Camunda event
parsers return no extensions, so end-event properties would be lost).
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask as ServiceTaskMixin
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser, CamundaEndEventParser, CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser, CamundaStartEventParser)
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser


class PravahServiceTask(ServiceTaskMixin, BpmnSpecMixin):
    """Calls the registered service for ``topic``; a returned dict merges into the task data."""

    def __init__(self, wf_spec, bpmn_id, topic=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.topic = topic

    @property
    def spec_type(self):
        return "Service Task"

    def _execute(self, task):
        result = task.workflow.script_engine.call_service(
            task, topic=self.topic, properties=getattr(self, "extensions", {}) or {})
        if result is not None:
            if not isinstance(result, dict):
                raise TypeError(f"service {self.topic!r} returned {type(result).__name__}, "
                                "expected dict or None")
            task.data.update(result)
        return True


class ServiceTaskParser(CamundaTaskParser):
    def create_task(self):
        topic = self.node.get(f"{{{CAMUNDA_MODEL_NS}}}topic")
        return self.spec_class(self.spec, self.bpmn_id, topic=topic, **self.bpmn_attributes)


class ServiceTaskConverter(BpmnTaskSpecConverter):
    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct["topic"] = spec.topic
        return dct

    def from_dict(self, dct):
        return self.task_spec_from_dict(dct)


def _props(parser) -> dict:
    return {n.get("name"): n.get("value") for n in parser.xpath(
        "./bpmn:extensionElements/camunda:properties/camunda:property")}


class EndEventParser(CamundaEndEventParser):
    def parse_extensions(self, node=None):
        return _props(self)


class StartEventParser(CamundaStartEventParser):
    def parse_extensions(self, node=None):
        return _props(self)


class BoundaryEventParser(CamundaBoundaryEventParser):
    def parse_extensions(self, node=None):
        return _props(self)


class IntermediateCatchEventParser(CamundaIntermediateCatchEventParser):
    def parse_extensions(self, node=None):
        return _props(self)


class IntermediateThrowEventParser(CamundaIntermediateThrowEventParser):
    def parse_extensions(self, node=None):
        return _props(self)
