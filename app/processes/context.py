"""What a service task sees of the application world while the engine runs."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ProcessContext:
    #: The :class:`~app.models.Application` the instance belongs to.
    application: object
    #: The :class:`~app.accounts.actor.Actor` whose action is running the engine (None for timers).
    actor: object | None
    now: datetime
    #: Settings (a mapping, e.g. ``current_app.config``), for services that need them.
    settings: dict = field(default_factory=dict)
    #: The :class:`~app.models.WorkItem` being completed (its office and lane are the acting
    #: posting: the certificate names that office and designation), None outside a task.
    work_item: object | None = None
    #: The :class:`~app.models.ProcessVersion` being started (the application has no instance yet).
    version: object | None = None
