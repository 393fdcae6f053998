"""Notification settings: the app config key when set (tests set them there), else the environment.

| setting (config key / environment variable) | default |
|---|---|
| ``NOTIFY_BACKEND`` / ``PRAVAH_NOTIFY_BACKEND`` | ``console`` (or ``twilio``: SMS and WhatsApp by Twilio, email by SMTP; or ``sms=twilio,whatsapp=console,email=smtp``) |
| ``TWILIO_ACCOUNT_SID`` / ``PRAVAH_TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM``, ``TWILIO_WHATSAPP_FROM`` | — |
| ``TWILIO_API_URL`` / ``PRAVAH_TWILIO_API_URL`` | Twilio itself (set to reach a gateway or a local fake) |
| ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USER``, ``SMTP_PASSWORD``, ``SMTP_STARTTLS``, ``SMTP_FROM`` (``PRAVAH_SMTP_*``) | ``127.0.0.1``, 25, —, —, false, ``noreply@localhost`` |
| ``NOTIFY_LEASE_SECONDS`` | 120 — how long a claimed row belongs to one dispatcher |
| ``NOTIFY_SEND_TIMEOUT`` | 10 — provider socket timeout; a send starts only if 3× this fits in the lease |
| ``NOTIFY_MAX_ATTEMPTS`` | 6 — then the row is dead |
| ``NOTIFY_BACKOFF_SECONDS`` / ``NOTIFY_BACKOFF_MAX_SECONDS`` | 30 / 3600 — retry after 30 s, 60 s, 120 s… |
| ``NOTIFY_BATCH`` | 50 rows claimed per dispatcher round |
"""
import os
from dataclasses import dataclass, field

CHANNELS = ("sms", "whatsapp", "email")


def _get(config, key: str, default=None):
    if config is not None and config.get(key) not in (None, ""):
        return config.get(key)
    value = os.environ.get(f"PRAVAH_{key}")
    return value if value not in (None, "") else default


def _bool(value) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class NotifySettings:
    backends: dict = field(default_factory=dict)
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_url: str | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "noreply@localhost"
    lease_seconds: int = 120
    send_timeout: float = 10.0
    max_attempts: int = 6
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    batch: int = 50


def backend_map(value: str) -> dict:
    """``console`` | ``twilio`` | ``sms=twilio,whatsapp=twilio,email=smtp`` → {channel: backend}."""
    value = (value or "console").strip().lower()
    if "=" not in value:
        if value == "twilio":
            return {"sms": "twilio", "whatsapp": "twilio", "email": "smtp"}
        return {channel: value for channel in CHANNELS}
    out = {channel: "console" for channel in CHANNELS}
    for part in value.split(","):
        channel, _, name = part.partition("=")
        if channel.strip() in CHANNELS and name.strip():
            out[channel.strip()] = name.strip()
    return out


def load(config=None) -> NotifySettings:
    return NotifySettings(
        backends=backend_map(_get(config, "NOTIFY_BACKEND", "console")),
        twilio_account_sid=_get(config, "TWILIO_ACCOUNT_SID"),
        twilio_auth_token=_get(config, "TWILIO_AUTH_TOKEN"),
        twilio_from=_get(config, "TWILIO_FROM"),
        twilio_whatsapp_from=_get(config, "TWILIO_WHATSAPP_FROM"),
        twilio_api_url=_get(config, "TWILIO_API_URL"),
        smtp_host=_get(config, "SMTP_HOST", "127.0.0.1"),
        smtp_port=int(_get(config, "SMTP_PORT", 25)),
        smtp_user=_get(config, "SMTP_USER"),
        smtp_password=_get(config, "SMTP_PASSWORD"),
        smtp_starttls=_bool(_get(config, "SMTP_STARTTLS", False)),
        smtp_from=_get(config, "SMTP_FROM", "noreply@localhost"),
        lease_seconds=int(_get(config, "NOTIFY_LEASE_SECONDS", 120)),
        send_timeout=float(_get(config, "NOTIFY_SEND_TIMEOUT", 10)),
        max_attempts=int(_get(config, "NOTIFY_MAX_ATTEMPTS", 6)),
        backoff_seconds=float(_get(config, "NOTIFY_BACKOFF_SECONDS", 30)),
        backoff_max_seconds=float(_get(config, "NOTIFY_BACKOFF_MAX_SECONDS", 3600)),
        batch=int(_get(config, "NOTIFY_BATCH", 50)),
    )
