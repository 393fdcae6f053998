"""Pravah: certificate services on BPMN processes."""
import logging

from flask import Flask

from . import config as config_module
from .extensions import db, login_manager, migrate


def create_app(config=None) -> Flask:
    """Build the application.

    :param config: a :class:`app.config.Config` instance, a dict of overrides on the environment's
        config, or ``None`` for the environment's (``PRAVAH_ENV``).
    """
    app = Flask(__name__, instance_relative_config=False)
    if config is None or isinstance(config, dict):
        settings = config_module.from_environment()
        for key, value in (config or {}).items():
            setattr(settings, key, value)
        if config and "SQLALCHEMY_DATABASE_URI" in config:
            settings.SQLALCHEMY_ENGINE_OPTIONS = config_module.engine_options(settings.SQLALCHEMY_DATABASE_URI)
    else:
        settings = config
    app.config.from_object(settings)
    from . import transport
    transport.init_app(app)
    # Forms are JSON Schemas whose property order is the order fields are shown in: never sort keys
    # (Flask's JSON provider sorts by default, in jsonify and in the |tojson of studio pages).
    app.json.sort_keys = False
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}
    from . import storage
    storage.init_app(app)
    logging.getLogger("spiff").setLevel(logging.WARNING)
    from .accounts.passwords import configure as configure_passwords
    configure_passwords(*app.config["PASSWORD_HASH_COST"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"))
    login_manager.init_app(app)
    with app.app_context():
        from .database import install_sqlite_pragmas, ping_when_idle
        install_sqlite_pragmas(db.engine)
        ping_when_idle(db.engine)

    from . import models  # noqa: F401  (registers tables)
    from .processes.services import register_all
    register_all()

    from .api import api_bp
    app.register_blueprint(api_bp)
    from .notifications import subscribe as subscribe_notifications
    subscribe_notifications()
    from .webhooks import init_app as init_webhooks
    init_webhooks(app)
    from .payments import init_app as init_payments
    init_payments(app)
    from .sla import init_app as init_sla
    init_sla(app)
    from .web import init_web
    init_web(app)
    from .certificates.setup import init_app as init_certificates
    init_certificates(app)
    from .digilocker import init_app as init_digilocker
    init_digilocker(app)
    from .studio.views import studio_bp
    app.register_blueprint(studio_bp)
    from .studio.migration_views import migration_bp
    app.register_blueprint(migration_bp)
    from .cli import register_cli
    register_cli(app)
    from . import safety
    safety.init_app(app)
    from . import observability
    observability.init_app(app)
    return app
