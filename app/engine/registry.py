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


class UnknownTopic(LookupError):
    pass


def register_service(topic: str, fn: ServiceFn) -> None:
    if not topic or not callable(fn):
        raise ValueError("register_service needs a topic and a callable")
    _REGISTRY[topic] = fn


def unregister_service(topic: str) -> None:
    _REGISTRY.pop(topic, None)


def registered_topics() -> set[str]:
    return set(_REGISTRY)


def get_service(topic: str) -> ServiceFn:
    try:
        return _REGISTRY[topic]
    except KeyError:
        raise UnknownTopic(f"no service registered for topic {topic!r}") from None
