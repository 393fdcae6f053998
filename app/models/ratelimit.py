"""Fixed-window counters for rate limits, shared by every worker and host through the database."""
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime


class RateLimitWindow(db.Model):
    __tablename__ = "rate_limit_window"

    #: ``<bucket>:<subject>:<window start epoch>``, e.g. ``login-ip:10.0.0.1:1763791200``
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
