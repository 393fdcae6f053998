"""Logging in and out (officers and operators with a password; citizens with an OTP) and the
language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import policy
from ..accounts import ratelimit
from ..accounts import operations as accounts
from ..accounts.tokens import SessionPolicy, issue_token
from ..errors import Invalid, TooMany
from .access import AUTHENTICATED, PUBLIC, current_actor, end_page_session, page_access
from .i18n import LANGUAGES, field_message

auth_bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only paths on this site: never an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def start_page_session(user) -> None:
    """Log ``user`` in on this browser: a new server-side session row, its secret in the signed cookie."""
    end_page_session()  # logging in again on this browser replaces its session, never leaves it behind
    raw, _token = issue_token(user, None, policy=SessionPolicy.from_config(current_app.config), kind="web")
    session.clear()
    session["sid"] = raw
    login_user(user)
    session["lang"] = user.language


def home_for(user) -> str:
    roles = set(policy.roles_of(user))
    if roles & set(policy.OFFICERS):
        return url_for("officer.inbox")
    if roles & set(policy.SUBMITTERS):
        return url_for("applicant.my_applications")
    return url_for("public.home")


@auth_bp.route("/login", methods=["GET", "POST"])
@page_access(PUBLIC)
def login():
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        enabled = current_app.config.get("RATELIMIT_ENABLED", True)
        try:
            ratelimit.hit("login-ip", request.remote_addr or "?", limit=30, window_seconds=300, enabled=enabled)
            ratelimit.hit("login-user", accounts.normalise_username(username)[:80], limit=10, window_seconds=300,
                          enabled=enabled)
        except TooMany:
            return render_template("auth/login.html", error=_("Too many attempts. Please wait a few minutes."),
                                   username=username), 429
        user = accounts.authenticate(username, password) if username and password else None
        if user is None:
            error = _("The username or password is not correct.")
        else:
            start_page_session(user)
            return redirect(safe_next(request.args.get("next"), home_for(user)))
    return render_template("auth/login.html", error=error, username=username), 401 if error else 200


@auth_bp.post("/logout")
@page_access(AUTHENTICATED)
def logout():
    lang = session.get("lang")
    end_page_session()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


def _password_page(errors: dict, status: int = 200, error: str | None = None):
    fields = [("current_password", _("Current password"), "current-password"),
              ("new_password", _("New password"), "new-password"),
              ("new_password_again", _("New password again"), "new-password")]
    summary = [(name, f"{label}: {field_message(errors[name])}") for name, label, _auto in fields if name in errors]
    return render_template("auth/password.html", fields=fields, errors=errors, summary=summary, error=error), status


@auth_bp.get("/account/password")
@page_access(roles=policy.PASSWORD_HOLDERS)
def password():
    """The account page: change one's password (current once, new twice)."""
    return _password_page({})


@auth_bp.post("/account/password")
@page_access(roles=policy.PASSWORD_HOLDERS)
def change_password():
    """Same rule as ``POST /api/v1/auth/password``; every other session and token of the user ends."""
    user = current_actor().user
    form = request.form
    try:
        ratelimit.hit_signed_in("password-user", str(user.id), limit=10, window_seconds=300,
                                enabled=current_app.config.get("RATELIMIT_ENABLED", True))
        ended = accounts.change_password(user, form.get("current_password", ""), form.get("new_password", ""),
                                         again=form.get("new_password_again", ""),
                                         keep_login_id=g.get("page_login_id"))
    except TooMany:
        return _password_page({}, 429, _("Too many attempts. Please wait a few minutes."))
    except Invalid as exc:
        return _password_page(exc.fields, 422)
    flash(_("Your password was changed. Your other sessions and tokens have ended.") if ended
          else _("Your password was changed."), "success")
    return redirect(home_for(user))


@auth_bp.post("/language")
@page_access(PUBLIC)
def language():
    """Switch the page language: remembered on the user (pages and notifications) and in the session."""
    chosen = request.form.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        if current_user.is_authenticated:
            current_user.language = chosen
    return redirect(safe_next(request.form.get("next"), url_for("public.home")))


#: (bucket, limit, window seconds) — the same limits as the API's OTP endpoints.
_OTP_REQUEST_LIMITS = (("otp-request-mobile", 3, 900), ("otp-request-ip", 20, 3600))
_OTP_VERIFY_LIMITS = (("otp-verify-mobile", 10, 900), ("otp-verify-ip", 50, 900))


def _otp_limit(limits, mobile: str) -> None:
    enabled = current_app.config.get("RATELIMIT_ENABLED", True)
    subjects = {"mobile": "".join(ch for ch in mobile if ch.isdigit())[-10:] or "?", "ip": request.remote_addr or "?"}
    for bucket, limit, window in limits:
        ratelimit.hit(bucket, subjects[bucket.rsplit("-", 1)[1]], limit=limit, window_seconds=window, enabled=enabled)


@auth_bp.route("/login/otp", methods=["GET", "POST"])
@page_access(PUBLIC)
def otp_login():
    """Citizens log in with a code sent by SMS: first the mobile number, then the code."""
    from ..accounts import otp
    from ..errors import DomainError
    mobile = request.values.get("mobile", "").strip()
    step = request.form.get("step", "mobile")
    error, status = None, 200
    if request.method == "POST":
        try:
            if step == "mobile":
                _otp_limit(_OTP_REQUEST_LIMITS, mobile)
                from .i18n import lang
                otp.request_code(mobile, language=lang(), secret=current_app.config["SECRET_KEY"])
                return render_template("auth/otp.html", mobile=mobile, step="code", error=None)
            _otp_limit(_OTP_VERIFY_LIMITS, mobile)
            checked, candidates = otp.spend_attempt(mobile, request.form.get("otp", "").strip())
            _raw, _token, user = otp.verify_code(checked, request.form.get("otp", "").strip(), candidates,
                                                 secret=current_app.config["SECRET_KEY"], token_hours=None,
                                                 policy=SessionPolicy.from_config(current_app.config), kind="web")
        except TooMany:
            error, status = _("Too many attempts. Please wait a few minutes."), 429
        except DomainError as exc:
            error, status = (_("The code is not correct or has expired.") if exc.status == 401 else
                             _("Give a 10-digit Indian mobile number.") if step == "mobile" else
                             _("The code is the 6 digits you received.")), exc.status
        else:
            end_page_session()
            session.clear()
            session["sid"] = _raw
            login_user(user)
            session["lang"] = user.language
            return redirect(safe_next(request.args.get("next"), url_for("applicant.my_applications")))
    return render_template("auth/otp.html", mobile=mobile, step=step if error and step == "code" else
                           ("code" if request.method == "POST" and step == "code" else "mobile"), error=error), status
