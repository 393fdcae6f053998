"""Fees and payment verification (SoP Sub-SLA 3): the process waits until the gateway confirms.

A service with a fee models it in its BPMN: a ``request_payment`` service task opens a payment
order for the catalogue fee, then a user task in the CITIZEN lane with the ``payment`` form waits;
the gateway's signed callback completes that task (action ``paid``) and the process goes on. A
rejected application's paid fee is marked for refund; an administrator marks it refunded.
"""
import json
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid, NotFound, Unauthorized
from ..extensions import db
from ..models import Payment, WorkItem
from ..processes import runner
from .gateway import Gateway

PAYMENT_FORM = "payment"


@dataclass
class GatewayActor:
    """Who completes the payment step: the gateway, through its signed callback (no user row)."""
    username: str = "payment-gateway"
    id: None = None
    user: None = None
    channel: None = None
    ip: str | None = None
    roles: list = field(default_factory=lambda: ["SYSTEM"])
    primary_role: str = "SYSTEM"

    def has_role(self, *roles) -> bool:
        return False


def request_payment(call) -> dict:
    """Service task ``request_payment``: a pending order for the service's fee (rupees → paise)."""
    application = call.context.application
    fee = application.service.fee or 0
    if fee <= 0:
        raise ValueError(f"{application.service.key} has a payment step but no fee in the catalogue")
    count = db.session.scalar(select(func.count()).select_from(Payment)
                              .where(Payment.application_id == application.id)) or 0
    payment = Payment(application_id=application.id, order_id=f"PAY-{application.ain}-{count + 1}",
                      amount=fee * 100, status="pending", created_at=call.context.now)
    db.session.add(payment)
    db.session.flush()
    return {"payment_order": payment.order_id, "fee": fee}


def current(application) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.application_id == application.id)
                             .order_by(Payment.id.desc()).limit(1))


def start(application, settings, callback_url: str) -> Payment:
    """Open the order at the gateway (once) and return the payment with its ``payment_url``."""
    payment = current(application)
    if payment is None:
        raise NotFound("This application has no fee to pay.")
    if payment.status not in ("pending", "failed"):
        raise Conflict("The fee is already paid.", code="already_paid")
    if payment.payment_url is None:
        payment.payment_url = Gateway(settings).create_order(payment.order_id, payment.amount, callback_url)
    return payment


def callback(body: bytes, signature: str | None, settings) -> dict:
    """The gateway's signed notice. Paid → the waiting payment task completes; repeats change nothing."""
    if not Gateway(settings).verify(body, signature):
        raise Unauthorized("The callback's signature does not match.")
    try:
        notice = json.loads(body)
        order_id, outcome, amount = notice["order_id"], notice["status"], int(notice["amount"])
        txn = str(notice.get("txn_id") or "")[:80]
    except (ValueError, KeyError, TypeError):
        raise Invalid("The callback must be JSON with order_id, status, txn_id and amount.") from None
    payment = db.session.scalar(select(Payment).where(Payment.order_id == str(order_id)).with_for_update())
    if payment is None:
        raise NotFound("There is no such payment order.")
    if amount != payment.amount:
        raise Invalid("The amount paid does not match the order.", fields={"amount": f"must be {payment.amount}"})
    if payment.status not in ("pending", "failed"):
        return {"order_id": payment.order_id, "status": payment.status, "duplicate": True}
    if outcome != "SUCCESS":
        payment.status = "failed"
        audit("payment_failed", "application", payment.application.ain, data={"order_id": payment.order_id})
        return {"order_id": payment.order_id, "status": payment.status}
    payment.mark_paid(txn, clock.now())
    item = db.session.scalar(select(WorkItem).where(
        WorkItem.application_id == payment.application_id, WorkItem.form_key == PAYMENT_FORM,
        WorkItem.closed_at.is_(None)))
    if item is not None:
        runner.complete_item(item, GatewayActor(), {"action": "paid", "payment_txn": txn}, outcome="paid",
                             settings=settings)
    audit("payment_received", "application", payment.application.ain,
          data={"order_id": payment.order_id, "amount": payment.amount, "txn_id": txn,
                "receipt_no": payment.receipt_no})
    return {"order_id": payment.order_id, "status": payment.status}


def on_status_changed(application, old, new, actor=None, **_) -> None:
    """A rejected application's paid fee is due for a refund (hook ``status_changed``)."""
    if new != "REJECTED":
        return
    paid = (select(Payment).where(Payment.application_id == application.id, Payment.status == "paid")
            .execution_options(autoflush=False))   # payments are not what the decision changes: no flush
    for payment in db.session.scalars(paid):
        payment.mark_refund_due(clock.now())
        audit("refund_due", "application", application.ain, actor=actor,
              data={"order_id": payment.order_id, "before": {"status": "paid"}, "after": {"status": "refund_due"}})


def refunds_due(actor) -> list[Payment]:
    """Paid fees of rejected applications waiting to be refunded. :raises Forbidden: not an administrator."""
    policy.require_role(actor, policy.REFUNDERS, "Only an administrator handles refunds.")
    return list(db.session.scalars(select(Payment).where(Payment.status == "refund_due").order_by(Payment.id)))


def mark_refunded(actor, payment_id: int) -> Payment:
    """Record that a due refund was paid out. :raises Forbidden: not an administrator."""
    policy.require_role(actor, policy.REFUNDERS, "Only an administrator handles refunds.")
    payment = db.session.get(Payment, payment_id) if 0 < payment_id < 2**63 else None
    if payment is None:
        raise NotFound("There is no such payment.")
    try:
        payment.mark_refunded(clock.now())
    except ValueError as exc:
        raise Conflict(str(exc), code="not_refund_due") from None
    audit("refunded", "application", payment.application.ain, actor=actor,
          data={"order_id": payment.order_id, "before": {"status": "refund_due"}, "after": {"status": "refunded"}})
    return payment


def api(payment: Payment) -> dict:
    return {"id": payment.id, "order_id": payment.order_id, "amount": payment.amount, "currency": "INR",
            "status": payment.status, "payment_url": payment.payment_url, "receipt_no": payment.receipt_no,
            "paid_at": clock.iso(payment.paid_at), "refund_due_at": clock.iso(payment.refund_due_at),
            "refunded_at": clock.iso(payment.refunded_at), "ain": payment.application.ain}
