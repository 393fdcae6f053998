"""The ``issue_certificate`` service task: the approve path of every process ends here.

Runs inside the approving officer's transaction, right after ``record_decision`` set APPROVED:
UIN → render → sign → store → ``certificate`` row → status DELIVERED. Any failure raises an
``app.errors`` exception, the request rolls back and the application stays where it was (not
approved, the officer's task still open), with a plain message for the officer.
"""
import logging

from .. import engine
from ..audit.operations import record as audit
from ..errors import Conflict, DomainError
from ..extensions import db
from ..processes import hooks
from .operations import CertificateError, NoSigningKey, SigningFailed, TemplateMissing, issue_certificate

log = logging.getLogger(__name__)


class CannotSign(Conflict):
    """No signing key can be used for this officer: a set-up problem, not bad input (409)."""
    code = "cannot_sign"


class AlreadyIssued(Conflict):
    code = "already_issued"


class NoTemplate(Conflict):
    """The application's version has no certificate template that compiles: a set-up problem (409)."""
    code = "no_certificate_template"


class SigningUnavailable(DomainError):
    """The key exists but signing failed (token, time-stamping authority): try again later."""
    status = 503
    code = "signing_unavailable"


def issue_certificate_task(call) -> dict:
    """Service topic ``issue_certificate``: issue the signed certificate and mark it DELIVERED.

    :param call: engine ``ServiceCall``; ``call.context`` is a ``ProcessContext`` whose actor is the
        approving officer.
    :returns: ``{"certificate_uin": uin}`` for the process data.
    """
    context = call.context
    application = context.application
    actor = context.actor
    officer = getattr(actor, "user", actor)
    if officer is None:
        raise CannotSign("A certificate can only be issued on an officer's approval, not automatically.")
    # The approving posting: the office and lane of the task being completed (a BDO approving a
    # GP-verified application signs as the BDO of the block office, not as the GP).
    item = getattr(context, "work_item", None)
    office = getattr(item, "office", None) or application.processing_office
    role = getattr(item, "role", None)
    try:
        certificate = issue_certificate(db.session, application, officer, context.now, context.settings,
                                        office=office, role=role)
    except NoSigningKey as exc:
        log.warning("cannot sign %s for %s: %s", application.ain, officer.username, exc)
        raise CannotSign(
            f"The certificate cannot be signed: no digital signature key is set up for {officer.username} "
            "or this office. The application has not been approved; ask the system administrator to "
            "install the signing key, then approve again.") from exc
    except TemplateMissing as exc:
        log.error("no certificate template for %s: %s", application.ain, exc)
        raise NoTemplate(
            "The certificate cannot be printed: this service's process version has no working "
            "certificate template. The application has not been approved; ask the process analyst "
            "to upload the template, then approve again.") from exc
    except SigningFailed as exc:
        log.error("signing failed for %s: %s", application.ain, exc)
        raise SigningUnavailable(
            "The certificate could not be signed just now (signing service not answering). The "
            "application has not been approved; please try again in a few minutes.") from exc
    except CertificateError as exc:
        raise AlreadyIssued(f"Application {application.ain} already has a valid certificate.") from exc
    application.status = "DELIVERED"
    hooks.emit("certificate_issued", certificate=certificate, application=application, actor=actor, now=context.now)
    audit("issued", "certificate", certificate.uin, actor=actor, at=context.now, new_object=True,   # a new UIN
          data={"ain": application.ain, "sha256": certificate.pdf_sha256, "signer": certificate.signer_name})
    return {"certificate_uin": certificate.uin}


def _dry_run(call) -> dict:
    return {"certificate_uin": "DRY0002000000001"}


def register() -> None:
    """Called from ``app.processes.services.register_all``."""
    engine.register_service("issue_certificate", issue_certificate_task, dry_run=_dry_run)
