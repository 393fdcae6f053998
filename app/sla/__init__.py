"""SLA clocks, working calendars, escalation and the per-step figures MIS reads (docs/sla.md)."""


def init_app(app) -> None:
    """Hook subscriptions and the ``flask holidays`` commands (the service topics register in
    :func:`app.processes.services.register_all`)."""
    from .cli import holidays
    from .listeners import subscribe
    subscribe()
    app.cli.add_command(holidays)
