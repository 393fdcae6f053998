"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""
from .types import BigId, UtcDateTime  # noqa: F401
from .geography import Location, LEVELS  # noqa: F401
from .people import Office, User, Posting, ApiToken, ApiKey  # noqa: F401
from .catalogue import Department, Service  # noqa: F401
from .workflow import ProcessVersion, ProcessInstance, WorkItem  # noqa: F401
from .application import Application, Document, ApplicationDocument, Counter  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .certificate import Certificate  # noqa: F401
from .ratelimit import RateLimitWindow  # noqa: F401
from .notification import Notification  # noqa: F401
from .otp import OtpChallenge, VerifiedMobile  # noqa: F401
from .sla import Holiday, SlaClock, SlaStep, Escalation, TaskRemark  # noqa: F401
from .complaint import Complaint  # noqa: F401
from .feedback import Feedback  # noqa: F401
from .partner import Webhook  # noqa: F401
from .delegation import Delegation  # noqa: F401
from .payment import Payment  # noqa: F401
from .ops import StoredBlob, SchedulerState  # noqa: F401
from .mis import MisApplicationCount, MisOfficerAction, MisStepCount  # noqa: F401


def _live_webhook_flag():
    """``Application.has_live_webhook`` (deferred; undeferred where an action loads its task): whether the
    partner that filed the application has a live webhook, so a status change reads webhooks only then."""
    from sqlalchemy import exists
    from sqlalchemy.orm import column_property
    Application.has_live_webhook = column_property(
        exists().where(Webhook.user_id == Application.created_by_id, Webhook.revoked_at.is_(None)), deferred=True,
        expire_on_flush=False)


_live_webhook_flag()
