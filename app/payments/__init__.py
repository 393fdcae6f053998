"""Fees and payment verification: the ``request_payment`` topic, the gateway callback, refunds."""
from .. import engine
from ..processes import hooks
from .operations import on_status_changed, request_payment


def init_app(app) -> None:
    engine.register_service("request_payment", request_payment,
                            dry_run=lambda call: {"payment_order": "DRY-RUN-ORDER", "fee": 1})
    hooks.subscribe("status_changed", on_status_changed)
