"""Fees: one payment order per application step that asks for the service's fee."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime


class Payment(db.Model):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    #: Our order number, sent to the gateway and named in its signed callback.
    order_id: Mapped[str] = mapped_column(String(40), unique=True)
    #: In paise (the catalogue's fee is in rupees).
    amount: Mapped[int] = mapped_column(Integer)
    #: pending | paid | failed | refund_due | refunded
    status: Mapped[str] = mapped_column(String(12), default="pending")
    gateway_txn_id: Mapped[str | None] = mapped_column(String(80))
    payment_url: Mapped[str | None] = mapped_column(String(500))
    #: Printed on the payment receipt once paid: ``RCPT-<order id>``.
    receipt_no: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refund_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    application = relationship("Application")

    def mark_paid(self, txn_id: str, at: datetime) -> None:
        """Only a pending or failed order can be paid (a second callback is answered, not applied)."""
        if self.status not in ("pending", "failed"):
            raise ValueError(f"payment {self.order_id} is {self.status}, not payable")
        self.status, self.gateway_txn_id, self.paid_at = "paid", txn_id, at
        self.receipt_no = f"RCPT-{self.order_id}"

    def mark_refund_due(self, at: datetime) -> None:
        if self.status != "paid":
            raise ValueError(f"payment {self.order_id} is {self.status}; only a paid one is refunded")
        self.status, self.refund_due_at = "refund_due", at

    def mark_refunded(self, at: datetime) -> None:
        if self.status != "refund_due":
            raise ValueError(f"payment {self.order_id} is {self.status}, not due for a refund")
        self.status, self.refunded_at = "refunded", at
