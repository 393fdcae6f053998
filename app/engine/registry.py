"""Service-task registry: areas register their functions by topic at start-up."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class ServiceCall:
    topic: str
    task_id: str          # BPMN element id of the service task
    properties: dict      # camunda:properties of the task
    data: dict            # a copy of the task data
    context: Any = field(default=None)  # opaque object the caller passed to start/complete/...


ServiceFn = Callable[[ServiceCall], "dict | None"]
_REGISTRY: dict[str, ServiceFn] = {}
#: Side-effect-free stand-ins used by the deploy dry run: fn(ServiceCall) -> plausible outputs.
_DRY_RUN: dict[str, ServiceFn] = {}


class UnknownTopic(LookupError):
    pass


def register_service(topic: str, fn: ServiceFn, *, dry_run: ServiceFn | None = None) -> None:
    """Register ``fn`` for ``topic``; ``dry_run`` (optional, no side effects) returns the variables a
    deploy dry run should see from this service (e.g. ``sla_due`` for timers that read it)."""
    if not topic or not callable(fn):
        raise ValueError("register_service needs a topic and a callable")
    _REGISTRY[topic] = fn
    if dry_run is not None:
        _DRY_RUN[topic] = dry_run


def dry_run_stub(topic: str) -> ServiceFn | None:
    return _DRY_RUN.get(topic)


def unregister_service(topic: str) -> None:
    _REGISTRY.pop(topic, None)
    _DRY_RUN.pop(topic, None)


def registered_topics() -> set[str]:
    return set(_REGISTRY)


def get_service(topic: str) -> ServiceFn:
    try:
        return _REGISTRY[topic]
    except KeyError:
        raise UnknownTopic(f"no service registered for topic {topic!r}") from None
