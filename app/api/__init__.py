"""The JSON API v1 (``/api/v1``): thin handlers over the areas' operations.

Every route declares who may call it with :func:`access`; a test fails on a route without one.
The transaction ends here: commit when the response is a success, roll back otherwise.
"""
from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import edge  # noqa: E402,F401  (error handlers, auth, commit)
from . import auth, catalogue, applications, inbox  # noqa: E402,F401
from . import process_models  # noqa: E402,F401  (process studio: versions, activation, new services)
from . import escalations, reports  # noqa: E402,F401  (issue 5: escalated tasks; MIS reports)
from . import otp, admin_notifications  # noqa: E402,F401  (citizen OTP login, outbox admin)
from . import documents, complaints, tasks_extra  # noqa: E402,F401  (documents, complaints, reassign, recall)
from . import certificates  # noqa: E402,F401  (issue 4: certificates, receipt, verification)
from . import feedback  # noqa: E402,F401  (issue 7: citizen feedback after delivery)
from . import migration  # noqa: E402,F401  (moving running applications between versions)
from . import webhooks  # noqa: E402,F401  (partner webhooks)
from . import delegations  # noqa: E402,F401  (out-of-office delegation)
from . import payments  # noqa: E402,F401  (fees: payment, gateway callback, refunds)
from . import audit  # noqa: E402,F401  (an application's audit trail)
