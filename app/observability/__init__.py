"""Operating Pravah: liveness and readiness (/healthz, /readyz), Prometheus metrics (/metrics),
JSON logs carrying a request id. docs/operations.md lists what to watch and the alerts to set."""


def init_app(app) -> None:
    from . import health, logs, metrics
    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(health.health_bp)
