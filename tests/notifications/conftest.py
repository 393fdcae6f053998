"""Fixtures: a fake Twilio and a local SMTP server on 127.0.0.1, and apps configured to use them."""
import socket

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification

from .fake_twilio import FakeTwilio

SID = "AC" + "1" * 32
TOKEN = "test-auth-token"
SMS_FROM = "+15005550006"
WHATSAPP_FROM = "+14155238886"


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio(account_sid=SID, auth_token=TOKEN).start()
    yield fake
    fake.stop()


def use_twilio(config, fake, **extra):
    config.NOTIFY_BACKEND = "twilio"
    config.TWILIO_ACCOUNT_SID = SID
    config.TWILIO_AUTH_TOKEN = TOKEN
    config.TWILIO_FROM = SMS_FROM
    config.TWILIO_WHATSAPP_FROM = WHATSAPP_FROM
    config.TWILIO_API_URL = fake.url
    config.NOTIFY_SEND_TIMEOUT = 2
    for key, value in extra.items():
        setattr(config, key, value)


@pytest.fixture
def twilio_config(app_config, fake_twilio):
    """The app sends SMS and WhatsApp through the fake Twilio (email stays on the console)."""
    use_twilio(app_config, fake_twilio)
    app_config.NOTIFY_BACKEND = "sms=twilio,whatsapp=twilio,email=console"
    return app_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping what arrives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def rows(app, **where) -> list[Notification]:
    with app.app_context():
        query = select(Notification).order_by(Notification.id)
        for key, value in where.items():
            query = query.where(getattr(Notification, key) == value)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return found
