"""Serializer: spec serialized once per version; instance state saved WITHOUT the spec."""
from __future__ import annotations

import json
from copy import copy
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from .service_task import PravahServiceTask, ServiceTaskConverter

SERIALIZER_VERSION = SPIFF_SERIALIZER_VERSION  # keep Spiff's own, so its migrations apply


class StatelessSpecWorkflowConverter(BpmnWorkflowConverter):
    """Omits spec and subprocess specs; from_dict needs them passed in (cached objects)."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        if spec is None:
            return super().from_dict(dct)
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = copy(CAMUNDA_CONFIG)
    config[PravahServiceTask] = ServiceTaskConverter
    config[BpmnWorkflow] = StatelessSpecWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    return BpmnWorkflowSerializer(registry, version=SERIALIZER_VERSION)


SERIALIZER = _make_serializer()


def spec_to_json(spec, subprocess_specs: dict) -> str:
    return json.dumps({
        "serializer_version": SERIALIZER_VERSION,
        "spec": SERIALIZER.to_dict(spec),
        "subprocess_specs": {k: SERIALIZER.to_dict(v) for k, v in subprocess_specs.items()},
    }, sort_keys=True)


def spec_from_json(spec_json: str):
    dct = json.loads(spec_json)  # fresh dict every time: from_dict mutates its input
    spec = SERIALIZER.from_dict(dct["spec"])
    subs = {k: SERIALIZER.from_dict(v) for k, v in dct["subprocess_specs"].items()}
    return spec, subs


def workflow_to_json(wf) -> str:
    return SERIALIZER.serialize_json(wf)


def workflow_from_json(state: str, spec, subprocess_specs):
    dct = json.loads(state)
    SERIALIZER.migrate(dct)  # pops serializer_version; runs Spiff's migrations if known
    return SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


def state_version(state: str) -> str | None:
    return json.loads(state).get(BpmnWorkflowSerializer.VERSION_KEY)
