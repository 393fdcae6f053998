"""Page tests: a browser-like client that logs demo users in through the login form."""
import re

import pytest

from tests.conftest import DEMO_PASSWORD


class Pages:
    """Test clients per user, each with its own session cookie, reading like the people they stand for."""

    def __init__(self, app):
        self.app = app
        self.clients = {}

    def as_(self, username=None):
        if username not in self.clients:
            client = self.app.test_client()
            if username:
                r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
                assert r.status_code == 302, r.get_data(as_text=True)
            self.clients[username] = client
        return self.clients[username]

    def get(self, path, user=None, **kw):
        return self.as_(user).get(path, **kw)

    def post(self, path, data=None, user=None, **kw):
        return self.as_(user).post(path, data=data, **kw)


@pytest.fixture
def pages(app):
    return Pages(app)


def text(response) -> str:
    return response.get_data(as_text=True)


def ain_in(html: str) -> str:
    found = re.search(r"[A-Z]{3}\d{3}-\d{4}-\d{7}-[0-9A-Z]", html)
    assert found, html[:2000]
    return found.group(0)
