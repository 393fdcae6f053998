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
        """The client of ``username``; a name starting with ``otp:`` gets a client the test logs in itself."""
        if username not in self.clients:
            client = self.app.test_client()
            if username and not username.startswith("otp:"):
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


def application_form(lgd_code="131001", name="Rahima Khatun", **overrides) -> dict:
    """The posted fields of the apply page for the residential service (documents not included)."""
    import io

    from tests.helpers import PDF, RESIDENTIAL_DOCS, RESIDENTIAL_FORM
    form = {"applicant.name": name, "applicant.mobile": "9876543210", "applicant.language": "bn",
            "location": lgd_code, "token": "tok-" + name, "step": "review"}
    form.update({f"data.{k}": str(v) for k, v in RESIDENTIAL_FORM.items()})
    for doc_type in RESIDENTIAL_DOCS:
        form[f"file.{doc_type}"] = (io.BytesIO(PDF), f"{doc_type}.pdf")
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def apply_via_pages(pages, user, **kw) -> str:
    """Fill, review and submit the residential application through the pages; returns the AIN."""
    r = pages.post("/apply/residential_edistrict", data=application_form(**kw), user=user,
                   content_type="multipart/form-data")
    assert r.status_code == 200, text(r)[-3000:]
    fields = hidden_fields(text(r))
    fields["step"] = "submit"
    r = pages.post("/apply/residential_edistrict", data=fields, user=user)
    assert r.status_code == 302, text(r)[-3000:]
    return ain_in(r.headers["Location"])
