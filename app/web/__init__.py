"""Server-rendered pages for every role, in English and Bengali.

The pages call the same operations as the JSON API (never the API over HTTP). Each area is a
blueprint: ``public`` (catalogue, track, verify), ``auth`` (login, language), ``applicant`` (apply,
my applications — citizens and operators), ``officer`` (inbox, tasks, recall), ``district``
(complaints, certificate revocation), ``mis`` (dashboards).
"""
from flask import Flask, current_app, jsonify, request
from flask_babel import gettext
from flask_login import current_user

from .. import policy
from ..extensions import babel, csrf, login_manager
from . import access, edge, i18n


def init_web(app) -> None:
    """Bind CSRF, Babel and sessions, and register the page blueprints (called by ``create_app``)."""
    secure = app.config.get("ENV_NAME") == "production"
    for key, value in (("SESSION_COOKIE_HTTPONLY", True), ("SESSION_COOKIE_SAMESITE", "Lax"),
                       ("SESSION_COOKIE_NAME", "pravah_session"), ("SESSION_COOKIE_SECURE", secure),
                       ("REMEMBER_COOKIE_HTTPONLY", True), ("REMEMBER_COOKIE_SAMESITE", "Lax"),
                       ("REMEMBER_COOKIE_SECURE", secure), ("WTF_CSRF_TIME_LIMIT", None)):
        # Our defaults replace Flask's, but a setting given in the config object wins.
        if app.config.get(key) == Flask.default_config.get(key, app.config.get(key)) or key not in app.config:
            app.config[key] = value
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")

    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_timezone="Asia/Kolkata")
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = None
    login_manager.user_loader(access.load_page_user)

    from ..api import api_bp
    csrf.exempt(api_bp)

    from .applicant import applicant_bp
    from .auth import auth_bp
    from .delegations import delegations_bp
    from .district import district_bp
    from .mis import mis_bp
    from .officer import officer_bp
    from .public import public_bp
    from .supervision import supervision_bp
    for bp in (public_bp, auth_bp, applicant_bp, officer_bp, district_bp, mis_bp, supervision_bp,
               delegations_bp):
        edge.install(bp)
        app.register_blueprint(bp)

    app.after_request(edge.security_headers)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(403, lambda e: edge.error_page(403))
    app.register_error_handler(405, _method_not_allowed)
    app.register_error_handler(413, _too_large)
    from flask_wtf.csrf import CSRFError
    app.register_error_handler(CSRFError, lambda e: edge.error_page(
        400, gettext("The form expired or was sent twice. Please go back, reload the page and try again.")))

    app.jinja_env.filters.update(digits=i18n.digits, when=i18n.when, pick=i18n.pick, title=i18n.title,
                                 enum_title=i18n.enum_title, field_message=i18n.field_message,
                                 display_name=i18n.display_name, channel_label=i18n.channel_label)
    app.jinja_env.globals.update(lang=i18n.lang, LANGUAGES=i18n.LANGUAGES)
    app.context_processor(_navigation)


def _not_found(exc):
    if request.path.startswith("/api/"):
        from flask import jsonify
        return jsonify({"error": {"code": "not_found", "message": "There is nothing at this address."}}), 404
    return edge.error_page(404)


def _method_not_allowed(exc):
    if request.path.startswith("/api/"):
        from flask import jsonify
        return jsonify({"error": {"code": "method_not_allowed",
                                  "message": "This address does not accept that method."}}), 405
    return edge.error_page(405)


def _too_large(exc):
    """A post over the request limit (the apply page checks sizes before sending, so this is rare)."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": "too_large", "message": "The upload is too large."}}), 413
    mb = current_app.config["MAX_APPLICATION_UPLOAD_BYTES"] // (1024 * 1024)
    return edge.error_page(413, gettext(
        "The files sent together are larger than %(n)s MB. Go back with the browser's Back button: "
        "what you typed is still in the form. Choose smaller files or scans and send again.", n=i18n.digits(mb)))


def _navigation() -> dict:
    """The menu of the logged-in user's roles."""
    links = []
    if current_user.is_authenticated:
        roles = set(policy.roles_of(current_user))
        if roles & set(policy.SUBMITTERS):
            links.append(("applicant.my_applications", gettext("My applications") if "CITIZEN" in roles
                          else gettext("Entered today")))
        if roles & set(policy.OFFICERS):
            links.append(("officer.inbox", gettext("Inbox")))
            links.append(("delegations.page", gettext("Out of office")))
        if roles & set(policy.SUPERVISORS):
            links.append(("officer.escalations", gettext("Escalated to me")))
        if roles & set(policy.COMPLAINT_READERS):
            links.append(("district.complaints", gettext("Complaints")))
        if roles & set(policy.REVOKERS):
            links.append(("district.certificates", gettext("Certificates")))
        if roles & set(policy.MIS_PAGE_ROLES):
            links.append(("mis.dashboard", gettext("Dashboard")))
        if roles & set(policy.MODELLERS):
            links.append(("studio.index", gettext("Process studio")))
        if roles & set(policy.PASSWORD_HOLDERS):
            links.append(("auth.password", gettext("Password")))
    return {"nav_links": links}
