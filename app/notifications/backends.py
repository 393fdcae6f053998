"""Where messages go: Twilio (SMS, WhatsApp), SMTP (email) or the log (``console``, development).

Every backend has ``send(message) -> provider id`` and ``find(message) -> provider id | None``.
``find`` answers "did an earlier attempt reach the provider?" after a lease was lost or an attempt
ended without a clear answer; it returns None when the provider has no such message or cannot be
asked (SMTP, console). Failures raise :class:`SendError`, telling whether to stop at once
(``permanent``) and whether the provider may have accepted the message anyway (``maybe_sent``).
"""
import logging
import sys
import smtplib
import socket
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache

from .. import clock

log = logging.getLogger("pravah.notifications")

#: Twilio errors that no retry can fix (invalid, unreachable, unsubscribed or non-mobile numbers).
PERMANENT_TWILIO_CODES = {21211, 21214, 21217, 21219, 21401, 21407, 21408, 21421, 21604, 21606, 21608, 21610,
                          21612, 21614, 21660, 63003, 63016}
#: A message the provider failed to deliver may be sent again; any other state means it exists.
_NOT_DELIVERED = {"failed", "undelivered", "canceled"}
#: How far back a provider's clock may be from ours when matching an earlier attempt.
_CLOCK_SKEW = timedelta(minutes=10)


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, maybe_sent: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.maybe_sent = maybe_sent


class ConsoleBackend:
    """Development: the message is printed on standard output (where ``make run`` shows it; the
    log's default level would hide it) and counts as sent."""

    name = "console"

    def send(self, message) -> str:
        subject = f"{message.subject} | " if message.subject and message.channel == "email" else ""
        line = f"[{message.channel} to {message.to}] {subject}{message.body}"
        print(line, file=sys.stdout, flush=True)
        log.debug("%s", line)
        return f"console-{message.id}"

    def find(self, message) -> str | None:
        return None


class TwilioBackend:
    name = "twilio"

    def __init__(self, settings):
        self.settings = settings
        if not (settings.twilio_account_sid and settings.twilio_auth_token):
            raise SendError("Twilio is not configured (PRAVAH_TWILIO_ACCOUNT_SID / AUTH_TOKEN).")
        self.client = _twilio_client(settings.twilio_account_sid, settings.twilio_auth_token,
                                     settings.twilio_api_url, settings.send_timeout)

    def _addresses(self, message) -> tuple[str, str]:
        if message.channel == "whatsapp":
            sender = self.settings.twilio_whatsapp_from
            if not sender:
                raise SendError("No WhatsApp sender configured (PRAVAH_TWILIO_WHATSAPP_FROM).")
            return _whatsapp(message.to), _whatsapp(sender)
        if not self.settings.twilio_from:
            raise SendError("No SMS sender configured (PRAVAH_TWILIO_FROM).")
        return message.to, self.settings.twilio_from

    def send(self, message) -> str:
        to, sender = self._addresses(message)
        with _twilio_errors():
            return self.client.messages.create(to=to, from_=sender, body=message.body).sid

    def find(self, message) -> str | None:
        to, sender = self._addresses(message)
        since = clock.as_utc(message.created_at) - _CLOCK_SKEW
        with _twilio_errors():
            found = self.client.messages.list(to=to, from_=sender, limit=50)
        for item in found:
            created = clock.as_utc(item.date_created) if item.date_created else None
            if created is not None and created < since:
                continue
            if (item.body or "").strip().endswith(message.body.strip()) and item.status not in _NOT_DELIVERED:
                return item.sid
        return None


def _whatsapp(number: str) -> str:
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


class _twilio_errors:
    """Translate the client's exceptions into :class:`SendError`."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, SendError):
            return False
        import requests
        from twilio.base.exceptions import TwilioRestException
        if isinstance(exc, TwilioRestException):
            status = exc.status or 0
            permanent = exc.code in PERMANENT_TWILIO_CODES or (400 <= status < 500 and status != 429)
            raise SendError(f"Twilio {status} (code {exc.code}): {exc.msg}"[:900], permanent=permanent,
                            maybe_sent=status >= 500) from exc
        if isinstance(exc, (requests.exceptions.RequestException, OSError)):
            # A timeout or a dropped connection may come after the provider accepted the message.
            raise SendError(f"Twilio unreachable or no answer: {type(exc).__name__}: {exc}"[:900],
                            maybe_sent=True) from exc
        return False


@lru_cache(maxsize=8)
def _twilio_client(sid: str, token: str, api_url: str | None, timeout: float):
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class _HttpClient(TwilioHttpClient):
        """Sends the client's requests to ``api_url`` instead of ``https://*.twilio.com``."""

        def request(self, method, url, *args, **kwargs):
            if api_url:
                _host, _, path = url.partition("://")[2].partition("/")
                url = f"{api_url.rstrip('/')}/{path}"
            return super().request(method, url, *args, **kwargs)

    return Client(sid, token, http_client=_HttpClient(timeout=timeout))


class SmtpBackend:
    """Email through an SMTP relay (stdlib smtplib).

    SMTP cannot be asked whether an earlier attempt arrived, so after a lost lease the message is
    sent again with the same ``Message-ID`` (mail systems fold such copies into one).
    """

    name = "smtp"

    def __init__(self, settings):
        self.settings = settings

    def build(self, message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.settings.smtp_from
        email["To"] = message.to
        email["Subject"] = message.subject or "Pravah"
        email["Date"] = formatdate(localtime=False)
        domain = self.settings.smtp_from.rpartition("@")[2] or "localhost"
        email["Message-ID"] = message_id(message, domain)
        email.set_content(message.body)
        return email

    def send(self, message) -> str:
        email = self.build(message)
        s = self.settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.send_timeout) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"SMTP refused the recipient: {exc.recipients}"[:900], permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:900],
                            permanent=500 <= exc.smtp_code < 600) from exc
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise SendError(f"SMTP unreachable or no answer: {type(exc).__name__}: {exc}"[:900],
                            maybe_sent=True) from exc
        if refused:
            raise SendError(f"SMTP refused: {refused}"[:900], permanent=True)
        return email["Message-ID"]

    def find(self, message) -> str | None:
        return None


def message_id(message, domain: str) -> str:
    """The same Message-ID on every attempt of one notification."""
    return f"<pravah-notification-{message.id}@{domain}>" if message.id else make_msgid(domain=domain)


_BACKENDS = {"console": ConsoleBackend, "twilio": TwilioBackend, "smtp": SmtpBackend}
#: Channels another area delivers itself (``webhook``): channel → factory(settings).
_CHANNELS: dict = {}


def register_channel(channel: str, factory) -> None:
    """Let an area deliver a channel of its own through the outbox (retries, leases, dead letters)."""
    _CHANNELS[channel] = factory


def backend_for(channel: str, settings):
    if channel in _CHANNELS:
        return _CHANNELS[channel](settings)
    name = settings.backends.get(channel, "console")
    cls = _BACKENDS.get(name)
    if cls is None:
        raise SendError(f"Unknown notification backend {name!r} for {channel}.")
    if cls is ConsoleBackend:
        return cls()
    if cls is TwilioBackend and channel == "email":
        raise SendError("Twilio does not send email; use smtp for the email channel.", permanent=True)
    return cls(settings)
