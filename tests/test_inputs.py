"""Text fields refuse control characters and bidi overrides (one validator, API and pages alike);
ZWJ/ZWNJ stay, Bengali needs them."""
import pytest

from app.inputs import MAX_DB_ID, day_from_text, is_db_id, page_number, text_problem
from app.errors import Invalid
from tests.helpers import RESIDENTIAL_FORM, act, residential_payload, submit_residential
from tests.web.conftest import Pages, application_form, text

BAD = {"NUL": "Rahima\x00Khatun", "bell": "Rahima\x07", "escape": "Ra\x1b[31mhima", "RLO": "Rahima\u202eNUTAHK",
       "LRE": "\u202aRahima", "isolate": "Rahima\u2066x\u2069", "DEL": "Rahima\x7f"}


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
def test_control_and_bidi_characters_are_refused(value):
    assert text_problem(value) is not None
    assert text_problem(value, multiline=True) is not None


def test_bengali_with_zwj_and_zwnj_line_breaks_in_long_text_are_kept():
    assert text_problem("র\u200d্যাব ক্\u200cষ") is None
    assert text_problem("Village Raipur\r\nward 3\tnear the school", multiline=True) is None
    assert text_problem("Rahima\nKhatun") is not None  # a name is one line


def test_ids_pages_and_days_have_bounds():
    assert is_db_id(MAX_DB_ID) and not is_db_id(MAX_DB_ID + 1) and not is_db_id(True) and not is_db_id(0)
    assert page_number(str(10 ** 30)) == 1 and page_number("x") == 1 and page_number("7") == 7
    with pytest.raises(Invalid):
        day_from_text("0001-01-01")
    assert day_from_text("2026-04-01").isoformat() == "2026-04-01"


def test_the_api_refuses_a_name_with_a_right_to_left_override_with_a_field_error(api):
    body = residential_payload(api, "operator.csc-domkal", name="Rahima \u202eNUTAHK")
    body["data"]["address"] = "Village\x1fRaipur"
    r = api.post("/api/v1/applications", json=body, user="operator.csc-domkal")
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert "direction-changing" in fields["applicant.name"]
    assert fields["data.address"] == "must not contain control characters"


def test_a_nul_anywhere_in_a_json_body_is_a_field_error_before_any_lookup(api):
    body = residential_payload(api, "operator.csc-domkal")
    body["service"] = "residential\x00"
    body["data"]["address"] = "Village\x00Raipur"
    r = api.post("/api/v1/applications", json=body, user="operator.csc-domkal")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"service": "must not contain a NUL character",
                                               "data.address": "must not contain a NUL character"}
    r = api.client.post("/api/v1/auth/token", json={"username": "bdo\x00", "password": "x"})
    assert r.status_code == 422 and "username" in r.get_json()["error"]["fields"]


def test_a_nul_in_a_query_or_form_value_is_400(app):
    pages = Pages(app)
    assert pages.get("/track?ain=HHA%00").status_code == 400
    assert pages.post("/login", data={"username": "bdo\x00", "password": "x"}).status_code == 400


def test_the_api_keeps_a_bengali_name_with_zwj(api):
    ain = submit_residential(api, name="র\u200d্যাব খাতুন")
    assert api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").status_code == 200


def test_officer_remarks_with_control_characters_are_refused(api):
    ain = submit_residential(api)
    body = act(api, "bdo.domkal", ain, "send_back", expect=422, remarks="Please fix\x1b[2J the address")
    assert body["error"]["fields"]["remarks"] == "must not contain control characters"


def test_the_apply_page_shows_the_same_field_error(app):
    pages = Pages(app)
    r = pages.post("/apply/residential_edistrict", data=application_form(name="Rahima\u202e"),
                   user="operator.csc-domkal", content_type="multipart/form-data")
    assert r.status_code == 422
    assert 'id="applicant-name-error">must not contain control or direction-changing characters' in text(r)
