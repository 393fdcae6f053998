import pytest

from tests.digilocker.fake_digilocker import API_KEY, FakeDigiLocker, PushReceiver


@pytest.fixture
def push_receiver():
    with PushReceiver() as receiver:
        yield receiver


@pytest.fixture
def app_config(app_config, push_receiver):
    app_config.DIGILOCKER_API_KEY = API_KEY
    app_config.DIGILOCKER_ISSUER_ID = "in.gov.wb.pravah"
    app_config.DIGILOCKER_PUSH_URL = push_receiver.url
    return app_config


@pytest.fixture
def digilocker(app):
    return FakeDigiLocker(app.test_client())
