"""Pravah's workflow engine: the ONLY package that imports SpiffWorkflow (pinned 3.2.0).

Knows nothing of Flask or our models. See docs/engine.md.
"""
from .build import Built, build, sha256_of
from .diff import diff_models
from .dryrun import DryRunResult, build_locator, dry_run
from .form_sample import sample_from_schema
from .errors import InvalidModel, ModelProblem, ScriptsDisabled, TaskNotReady
from .expressions import UnsafeExpression, check as check_expression
from .expressions import evaluate
from .isolate import CheckFailed, CheckTimedOut, run_limited
from .registry import (ServiceCall, UnknownTopic, register_service, registered_topics,
                       unregister_service)
from .samples import evaluate_decision, run_dmn_samples
from .runner import (ReadyTask, Saved, Spec, clear_spec_cache, complete, dump, finished_end_event,
                     fire_due_timers, load_spec, next_timer_at, ready_user_task_guids, ready_user_tasks, restore,
                     start)
from .serializer import SERIALIZER_VERSION, state_version

__all__ = [
    "Built", "build", "sha256_of", "diff_models", "DryRunResult", "build_locator", "dry_run", "sample_from_schema",
    "run_dmn_samples", "evaluate_decision", "InvalidModel", "ModelProblem", "ScriptsDisabled", "TaskNotReady",
    "UnsafeExpression", "check_expression", "evaluate", "CheckFailed", "CheckTimedOut", "run_limited", "ServiceCall", "UnknownTopic",
    "register_service", "registered_topics", "unregister_service", "ReadyTask", "Saved", "Spec",
    "clear_spec_cache", "complete", "dump", "finished_end_event", "fire_due_timers", "load_spec",
    "next_timer_at", "ready_user_task_guids", "ready_user_tasks", "restore", "start", "SERIALIZER_VERSION", "state_version",
]
from .reset import reset_to_task  # noqa: E402,F401  (recall: back to a completed user task)
from .migrate import MigrationPlan, NotMovable, Reason, reason  # noqa: E402,F401  (moving instances between versions)
from .migrate import migrate as migrate_instance, plan as plan_migration  # noqa: E402,F401
