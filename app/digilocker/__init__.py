"""DigiLocker issuer: pull (DigiLocker asks us, HMAC-authenticated XML) and push (through the outbox).

See docs/digilocker.md. Wired by :func:`init_app` from the app factory.
"""
from ..extensions import csrf
from ..notifications.backends import register_channel
from ..processes import hooks
from . import push
from .views import digilocker_bp


def init_app(app) -> None:
    app.register_blueprint(digilocker_bp)
    csrf.exempt(digilocker_bp)
    register_channel(push.CHANNEL, push.DigiLockerBackend)
    hooks.subscribe("certificate_issued", push.on_issued)
    hooks.subscribe("certificate_revoked", push.on_revoked)
