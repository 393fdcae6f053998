"""Pravah's script engine: restricted expressions, no scripts, services via the registry."""
from __future__ import annotations

import copy

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import expressions
from .errors import ScriptsDisabled
from .registry import ServiceCall, get_service


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """The only expression environment the library gets.

    SpiffWorkflow 3.2.0 bypasses the script engine's ``evaluate`` in places and calls
    ``script_engine.environment.evaluate`` directly (a process's completion condition, loop and
    multi-instance conditions of conditional paths, message correlation retrieval expressions).
    With the library's default ``TaskDataEnvironment`` those ran through plain ``eval`` with full
    builtins; this environment sends them through the same whitelist and bounds as everything else.
    """

    def evaluate(self, expression, context, external_context=None):
        return expressions.evaluate(expression, context, external_context)

    def execute(self, script, context, external_context=None):
        raise ScriptsDisabled("scripts are disabled in Pravah (script tasks are refused at deploy)")

    def call_service(self, context, **kwargs):
        raise ScriptsDisabled("services are called through the engine's registry only")


class RestrictedScriptEngine(PythonScriptEngine):
    """One instance per loaded workflow (it carries the caller's opaque ``context``)."""

    def __init__(self, context=None):
        super().__init__(environment=RestrictedEnvironment())
        self.context = context

    def validate(self, expression):
        # used by the DMN engine to decide whether a cell needs "==": keep exec-mode parse
        import ast
        ast.parse(expression)

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as se:
            se.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as e:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}'",
                                        task=task, exception=e) from e

    def execute(self, task, script, external_context=None):
        raise ScriptsDisabled("scripts are disabled in Pravah (script tasks are refused at deploy)")

    def call_service(self, task, topic=None, properties=None, **kwargs):
        """Dispatch to the registry. Exceptions propagate unchanged (task goes to ERROR)."""
        fn = get_service(topic)
        call = ServiceCall(topic=topic, task_id=task.task_spec.bpmn_id,
                           properties=dict(properties or {}), data=copy.deepcopy(task.data),
                           context=self.context)
        return fn(call)
