"""No 5xx on any input at the edge: ids out of range, deep or large JSON, bad dates, huge pages;
HSTS in production."""
import json

from app import create_app
from app import config as settings
from tests.helpers import residential_payload
from tests.safety.test_production_settings import _config
from tests.web.conftest import Pages

HUGE = 2 ** 64


def test_ids_above_the_bigint_range_in_paths_are_404(api):
    for method, path, user in (("post", f"/api/v1/tasks/{HUGE}/claim", "bdo.domkal"),
                               ("post", f"/api/v1/tasks/{HUGE}/complete", "bdo.domkal"),
                               ("get", f"/api/v1/applications/X/documents/{HUGE}", "operator.raipur"),
                               ("post", f"/api/v1/admin/notifications/{HUGE}/retry", "admin.state"),
                               ("get", f"/api/v1/tasks/{2 ** 63}/remarks", "bdo.domkal")):
        r = getattr(api, method)(path, user=user)
        assert r.status_code == 404, (path, r.status_code)
        assert r.get_json()["error"]["code"] == "not_found"


def test_a_document_id_above_the_bigint_range_in_a_body_is_a_field_error(api):
    body = residential_payload(api, "operator.csc-domkal")
    body["documents"][0]["id"] = HUGE
    r = api.post("/api/v1/applications", json=body, user="operator.csc-domkal")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["documents.0.id"] == "no such document in your uploads"


def test_deeply_nested_json_is_400_and_a_large_body_413(client):
    deep = '{"username": ' + "[" * 100000 + "]" * 100000 + ', "password": "x"}'
    r = client.post("/api/v1/auth/token", data=deep, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"
    big = json.dumps({"username": "x" * (300 * 1024), "password": "y"})
    r = client.post("/api/v1/auth/token", data=big, content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"
    # moderate nesting inside a string is not nesting
    r = client.post("/api/v1/auth/token", json={"username": "[" * 1000, "password": "x"})
    assert r.status_code == 401


def test_a_huge_page_number_is_422_on_the_api_and_ignored_on_pages(api, app):
    r = api.get(f"/api/v1/inbox?page={10 ** 30}", user="bdo.domkal")
    assert r.status_code == 422 and "page" in r.get_json()["error"]["fields"]
    r = api.get(f"/api/v1/inbox?page={HUGE}", user="bdo.domkal")
    assert r.status_code == 422
    pages = Pages(app)
    assert pages.get(f"/officer/inbox?page={HUGE}", user="bdo.domkal").status_code == 200


def test_a_date_out_of_range_on_the_operators_day_list_is_a_page_error(app):
    pages = Pages(app)
    for day in ("0001-01-01", "9999-12-31", "2026-02-30", "x"):
        r = pages.get(f"/my/applications?day={day}", user="operator.csc-domkal")
        assert r.status_code == 422, day
    assert pages.get("/my/applications?day=2026-04-01", user="operator.csc-domkal").status_code == 200


def _app(tmp_path, env_name):
    config = settings.TestingConfig()
    for key, value in _config(tmp_path).items():
        setattr(config, key, value)
    config.ENV_NAME = env_name
    return create_app(config)


def test_hsts_in_production_only(tmp_path):
    production = _app(tmp_path, "production").test_client().get("/api/v1/nowhere")
    assert production.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    testing = _app(tmp_path, "testing").test_client().get("/api/v1/nowhere")
    assert "Strict-Transport-Security" not in testing.headers
