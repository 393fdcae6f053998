"""Citizen login by one-time password (OTP) sent by SMS through the notification outbox.

6 digits, stored only as an HMAC (secret key, per-code salt), valid 5 minutes, 5 verification
attempts, one open code per number (a new request retires the old). Nothing here looks up whether
the number belongs to an account before the code is proved, so requests and failed verifications
take the same path for every number.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from .. import clock
from ..errors import Invalid, Unauthorized
from ..extensions import db
from ..models import OtpChallenge, User, VerifiedMobile
from .mobile import e164
from .tokens import issue_token

CODE_DIGITS = 6
TTL_SECONDS = 300
MAX_ATTEMPTS = 5

_WRONG = "The code is not correct or has expired. Ask for a new code if you need one."


def _hash(secret: str, salt: str, mobile: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{salt}:{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _mobile(raw) -> str:
    mobile = e164(raw)
    if mobile is None:
        raise Invalid("Give a 10-digit Indian mobile number.", fields={"mobile": "must be a 10-digit Indian mobile number"})
    return mobile


def request_code(raw_mobile, *, language: str = "en", secret: str) -> OtpChallenge:
    """Create a code for the number and queue its SMS in this transaction (flushes, never commits).

    :raises Invalid: not a mobile number (the only refusal, and it depends on the text alone).
    """
    from ..notifications import enqueue, templates
    mobile = _mobile(raw_mobile)
    now = clock.now()
    db.session.execute(update(OtpChallenge).where(OtpChallenge.mobile == mobile, OtpChallenge.consumed_at.is_(None))
                       .values(consumed_at=now).execution_options(synchronize_session=False))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    challenge = OtpChallenge(mobile=mobile, code_hash=_hash(secret, salt, mobile, code), salt=salt, attempts=0,
                             created_at=now, expires_at=now + timedelta(seconds=TTL_SECONDS))
    db.session.add(challenge)
    db.session.flush()
    language = language if language in templates.LANGUAGES else "en"
    subject, body = templates.render("otp", language, {"code": code, "minutes": str(TTL_SECONDS // 60)})
    rule = templates.event_rule("otp")
    enqueue(event="otp", channel="sms", to=mobile, dedupe_key=f"otp:{challenge.id}", audience="user",
            language=language, body=body, subject=subject, priority=rule.get("priority", 10),
            expires_at=challenge.expires_at)
    return challenge


def spend_attempt(raw_mobile, code) -> tuple[str, list]:
    """Count one verification attempt against the number's open code, in its own committed
    transaction (a failed verification rolls the request back; its attempt must stay counted).

    Call before the request's session touches the database. :returns: ``(mobile, [(id, hash, salt)])``.
    """
    mobile = _mobile(raw_mobile)
    if not isinstance(code, str) or len(code) != CODE_DIGITS or not code.isdigit():
        raise Invalid("The code is 6 digits.", fields={"otp": "must be the 6 digits you received"})
    now = clock.now()
    table = OtpChallenge.__table__
    with db.engine.begin() as conn:
        rows = conn.execute(update(table).where(
            table.c.mobile == mobile, table.c.consumed_at.is_(None), table.c.expires_at > now,
            table.c.attempts < MAX_ATTEMPTS).values(attempts=table.c.attempts + 1)
            .returning(table.c.id, table.c.code_hash, table.c.salt)).all()
    return mobile, [tuple(r) for r in rows]


def verify_code(mobile: str, code: str, candidates: list, *, secret: str, token_hours: int | None,
                policy=None, kind: str = "api"):
    """Check the code against the candidates :func:`spend_attempt` returned; log the citizen in.

    The citizen account is created on the first login and bound to the number (``verified_mobile``);
    an officer's account with the same mobile on file is never the one logged in.

    :returns: ``(raw token, ApiToken, User)``. :raises Unauthorized: wrong, expired or used code.
    """
    matched = None
    # Always one HMAC comparison at least, so a number without a code costs the same.
    for challenge_id, code_hash, salt in candidates or [(None, "0" * 64, "0" * 32)]:
        if hmac.compare_digest(_hash(secret, salt, mobile, code), code_hash) and challenge_id is not None:
            matched = challenge_id
    if matched is None:
        raise Unauthorized(_WRONG, code="bad_otp")
    now = clock.now()
    used = db.session.execute(update(OtpChallenge).where(OtpChallenge.id == matched, OtpChallenge.consumed_at.is_(None))
                              .values(consumed_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise Unauthorized(_WRONG, code="bad_otp")
    user = citizen_for(mobile, now)
    if not user.active:
        raise Unauthorized(_WRONG, code="bad_otp")
    raw, token = issue_token(user, token_hours, policy=policy, kind=kind)
    return raw, token, user


def citizen_for(mobile: str, now) -> User:
    """The citizen account bound to ``mobile``, created on first login."""
    user = db.session.scalar(select(User).join(VerifiedMobile, VerifiedMobile.user_id == User.id)
                             .where(VerifiedMobile.mobile == mobile))
    if user is not None:
        return user
    username = f"citizen.{mobile[3:]}"
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        username = f"{username}.{secrets.token_hex(3)}"
    user = User(username=username, name=f"Citizen {mobile[3:]}", mobile=mobile, language="en", active=True)
    db.session.add(user)
    db.session.flush()
    db.session.add(VerifiedMobile(mobile=mobile, user_id=user.id, verified_at=now))
    db.session.flush()
    return user


def verified_mobile_of(user_id: int) -> str | None:
    return db.session.scalar(select(VerifiedMobile.mobile).where(VerifiedMobile.user_id == user_id))
