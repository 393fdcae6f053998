"""Studio fixtures: uploading model files through the API as the demo analyst."""
import io
import json

import pytest

from .studio_helpers import BPMN, DMN, DMN_NAME, FORMS, KEY, ROOT

ANALYST = "analyst.state"


@pytest.fixture
def login(app):
    """Session-login clients by username (the studio pages), one per user."""
    from tests.conftest import DEMO_PASSWORD
    clients = {}

    def as_(username):
        if username not in clients:
            client = app.test_client()
            r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
            assert r.status_code == 302, r.get_data(as_text=True)[:500]
            clients[username] = client
        return clients[username]
    return as_


class Uploader:
    def __init__(self, api):
        self.api = api

    def post(self, service=KEY, bpmn=BPMN, dmn=None, forms=None, templates=None, user=ANALYST, samples=None):
        dmn = {DMN_NAME: DMN} if dmn is None else dmn
        forms = FORMS if forms is None else forms
        if templates is None:
            templates = {n: (ROOT / "certificate_templates" / n).read_text(encoding="utf-8")
                         for n in ("_layout.typ", "acknowledgement.typ", f"{KEY}.typ")}
        data = {"bpmn": (io.BytesIO(bpmn.encode()), f"{service}.bpmn"),
                "dmn": [(io.BytesIO(x.encode()), n) for n, x in dmn.items()]
                + [(io.BytesIO(json.dumps(s).encode()), n[:-4] + ".samples.json") for n, s in (samples or {}).items()],
                "form": [(io.BytesIO(json.dumps(f).encode()), f"{k}.json") for k, f in forms.items()],
                "certificate_template": [(io.BytesIO(t.encode()), n) for n, t in templates.items()]}
        return self.api.client.post(f"/api/v1/process-models/{service}/versions", data=data,
                                    headers={"Authorization": f"Bearer {self.api.token(user)}"},
                                    content_type="multipart/form-data")

    def activate(self, number, service=KEY, user=ANALYST):
        return self.api.post(f"/api/v1/process-models/{service}/versions/{number}/activate", user=user)


@pytest.fixture
def upload(api):
    return Uploader(api)
