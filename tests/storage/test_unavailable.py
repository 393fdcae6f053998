"""A store that does not answer gives 503 storage_unavailable (API) or a plain page (web), never a 500."""
from app.errors import StorageUnavailable
from app.storage import Storage
from tests.certificates.flow_helpers import approve
from tests.conftest import DEMO_PASSWORD
from tests.helpers import submit_residential, upload


class DownStorage(Storage):
    name = "down"

    def put(self, key, content=None):
        raise StorageUnavailable("Stored files cannot be reached just now. Please try again in a few minutes.")

    get = put

    def check(self):
        raise StorageUnavailable("disk unplugged")


def test_api_upload_and_download_answer_503_when_storage_is_down(app, api):
    ain = submit_residential(api)
    documents = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["documents"]
    working = app.config["STORAGE"]
    app.config["STORAGE"] = DownStorage()
    try:
        r = upload(api, "operator.csc-domkal", "photograph")
        assert r.status_code == 503
        assert r.get_json()["error"]["code"] == "storage_unavailable"
        r = api.get(f"/api/v1/applications/{ain}/documents/{documents[0]['id']}", user="bdo.domkal")
        assert (r.status_code, r.get_json()["error"]["code"]) == (503, "storage_unavailable")
    finally:
        app.config["STORAGE"] = working
    r = api.get(f"/api/v1/applications/{ain}/documents/{documents[0]['id']}", user="bdo.domkal")
    assert r.status_code == 200


def test_certificate_download_and_issue_answer_503_and_change_nothing(app, api):
    ain = submit_residential(api)
    working = app.config["STORAGE"]
    app.config["STORAGE"] = DownStorage()
    try:
        approve(api, "residential_edistrict", ain, expect=503)
    finally:
        app.config["STORAGE"] = working
    status = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()
    assert status["status"] != "DELIVERED" and status.get("certificate") is None
    body = api.post(f"/api/v1/tasks/{_task(api, ain)}/complete", json={"action": "approve"}, user="bdo.domkal")
    assert body.status_code == 200, body.get_json()
    uin = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["certificate"]["uin"]
    app.config["STORAGE"] = DownStorage()
    try:
        r = api.get(f"/api/v1/certificates/{uin}.pdf", user="operator.csc-domkal")
        assert (r.status_code, r.get_json()["error"]["code"]) == (503, "storage_unavailable")
    finally:
        app.config["STORAGE"] = working


def _task(api, ain):
    items = api.get("/api/v1/inbox?per_page=200", user="bdo.domkal").get_json()["items"]
    return next(i["id"] for i in items if i["ain"] == ain)


def test_web_document_page_answers_a_plain_503_page(app, api, client):
    ain = submit_residential(api)
    document_id = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["documents"][0]["id"]
    r = client.post("/login", data={"username": "bdo.domkal", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    working = app.config["STORAGE"]
    app.config["STORAGE"] = DownStorage()
    try:
        r = client.get(f"/applications/{ain}/documents/{document_id}")
    finally:
        app.config["STORAGE"] = working
    assert r.status_code == 503
    assert r.mimetype == "text/html" and b"try again" in r.data
    assert client.get(f"/applications/{ain}/documents/{document_id}").status_code == 200
