"""What every page request passes through: one commit at the end, errors as pages, security headers."""
from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import Conflict, DomainError
from ..extensions import db

#: Content Security Policy: everything from our own origin; images may also be data: URIs
#: (the bpmn.io watermark of the diagram viewer is one).
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def keep_changes() -> None:
    """Commit this request's writes even though the page answers with an error status.

    Used when a form is shown again with field errors after its documents were stored in the
    uploader's repository: they are complete records on their own and are offered again.
    """
    g.web_keep_changes = True


def install(bp) -> None:
    """Give a page blueprint the edge: one commit per request, domain errors as pages (once per
    blueprint object, however many apps are built)."""
    if getattr(bp, "pravah_edge", False):
        return
    bp.pravah_edge = True

    @bp.after_request
    def _commit(response):
        if response.status_code < 400 or g.get("web_keep_changes"):
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                return error_page(409, _("This conflicts with a change made at the same time. Please try again."))
        else:
            db.session.rollback()
        return response

    @bp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        return error_page(exc.status, exc.message)

    @bp.errorhandler(OperationalError)
    def _busy(exc):
        db.session.rollback()
        current_app.logger.warning("database busy: %s", exc)
        return error_page(503, _("The system is busy. Please try again in a moment."))


def error_page(status: int, message: str | None = None):
    titles = {400: _("Bad request"), 403: _("Not allowed"), 404: _("Not found"), 405: _("Not allowed"),
              409: _("Conflict"), 413: _("Too large"), 415: _("Wrong file type"), 422: _("Please check"),
              429: _("Too many attempts"), 503: _("Busy")}
    defaults = {403: _("Your role may not open this page."), 404: _("There is nothing at this address."),
                405: _("This address does not accept that method.")}
    return render_template("error.html", status=status, title=titles.get(status, _("Error")),
                           message=message or defaults.get(status, "")), status


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith(("/login", "/my", "/operator", "/officer", "/mis", "/applications", "/apply")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def in_own_transaction(fn) -> tuple[object, DomainError | None]:
    """Run ``fn()`` and commit it alone: ``(its value, None)``, or ``(None, the refusal)`` rolled back.

    For pages that work through many items (bulk decisions, migrations), where one item's failure
    must not undo or stop the others. The request's own commit then has nothing left to do.
    """
    try:
        value = fn()
        db.session.commit()
        return value, None
    except DomainError as exc:
        db.session.rollback()
        return None, exc
    except IntegrityError:
        db.session.rollback()
        return None, Conflict(_("This conflicts with a change made at the same time. Please try again."))
    except OperationalError:
        db.session.rollback()
        return None, Conflict(_("The system is busy. Please try again in a moment."), code="busy")
