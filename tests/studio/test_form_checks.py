"""Forms are checked at upload: JSON Schema 2020-12, only what the renderer draws, titles in both
languages, a sample that passes, and the field order the analyst wrote is the order everyone sees."""
import copy
import json
import re

import pytest
from sqlalchemy import func, select

from app.engine.form_sample import shortest_match
from app.extensions import db
from app.models import ProcessVersion
from app.processes.form_check import check_form

from .studio_helpers import FORMS, KEY
from .test_pages import login, payload  # noqa: F401  (fixture and helper of the studio page tests)

FIRST = next(iter(FORMS[KEY]["properties"]))


def broken(change) -> dict:
    forms = copy.deepcopy(FORMS)
    change(forms[KEY]["properties"][FIRST])
    return forms


def count_versions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessVersion))


BREAKAGES = {
    "misspelt type": (lambda f: f.update(type="integr"), "'integr' is not a JSON Schema type"),
    "length in words": (lambda f: f.update(minLength="five"), "'five' must be a whole number"),
    "keyword the renderer ignores": (lambda f: f.update({"x-widget": "slider"}), "does not support the keyword 'x-widget'"),
    "no Bengali title": (lambda f: f.pop("title_bn"), "'title_bn' is missing"),
    "no English title": (lambda f: f.pop("title"), "'title' is missing"),
    "format the renderer cannot draw": (lambda f: f.update(format="uri"), "'format' must be one of date, email"),
    "pattern nothing passes": (lambda f: f.update(pattern="^[^x]$", minLength=2), "a sample generated from the form"),
}


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_a_broken_form_is_refused_naming_the_file_and_field(app, upload, case):
    change, words = BREAKAGES[case]
    before = count_versions(app)
    r = upload.post(forms=broken(change))
    assert r.status_code == 422, r.get_json()
    problems = r.get_json()["error"]["problems"]
    hits = [p for p in problems if p["file"] == f"forms/{KEY}.json" and p["element_id"] == FIRST]
    assert hits and words in hits[0]["message"], problems
    assert f"field '{FIRST}'" in hits[0]["message"]
    assert count_versions(app) == before


def test_integr_refused_before_it_could_break_submissions(app, upload, api):
    """The issue's case: once active, every submission returned 500; now it never gets stored."""
    r = upload.post(forms=broken(lambda f: f.update(type="integr")))
    assert r.status_code == 422
    form = api.get(f"/api/v1/services/{KEY}/form").get_json()
    assert form["properties"][FIRST]["type"] != "integr"


def test_every_shipped_form_passes_and_its_sample_validates():
    for key, schema in FORMS.items():
        assert check_form(key, schema) == [], key


def test_a_form_that_is_not_an_object_or_has_bad_actions():
    assert "a form is an object" in check_form("x", {"type": "string", "title": "x", "title_bn": "x"})[0]["message"]
    schema = copy.deepcopy(FORMS["approval"])
    schema["x-actions"].append({"key": "approve", "title": "Again"})
    messages = [p["message"] for p in check_form("approval", schema)]
    assert "action 'approve' appears twice in 'x-actions'" in messages
    assert any("action 'approve': 'title_bn' is missing" in m for m in messages)


@pytest.mark.parametrize("pattern", ["^20[0-9]{2}-[0-9]{2}$", "^[1-9][0-9]{5}$", r"^\d{10}$", "^(ab|c)+[A-Z]?$"])
def test_sample_strings_match_their_pattern(pattern):
    text = shortest_match(pattern)
    assert text is not None and re.fullmatch(pattern, text)


def _reordered():
    """The application form with its fields in an order no sorting would produce."""
    forms = copy.deepcopy(FORMS)
    props = forms[KEY]["properties"]
    order = sorted(props, reverse=True)
    order.insert(0, order.pop(len(order) // 2))
    forms[KEY]["properties"] = {name: props[name] for name in order}
    assert order != sorted(order) and order != sorted(order, reverse=True)
    return forms, order


def test_field_order_kept_through_upload_and_the_api(upload, api):
    forms, order = _reordered()
    r = upload.post(forms=forms)
    assert r.status_code == 201, r.get_json()
    assert upload.activate(r.get_json()["version"]).status_code == 200
    served = json.loads(api.get(f"/api/v1/services/{KEY}/form").get_data(as_text=True))
    assert list(served["properties"]) == order


def test_field_order_kept_through_the_studio_page(login):
    forms, order = _reordered()
    client = login("analyst.state")
    r = client.post(f"/studio/{KEY}/drafts", json=payload(forms=forms))
    assert r.status_code == 201, r.get_json()
    page = client.get(f"/studio/{KEY}?version={r.get_json()['version']}").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="studio-data">(.*?)</script>', page, re.S).group(1))
    assert list(data["files"]["forms"][KEY]["properties"]) == order


def test_reordering_fields_alone_makes_a_new_version(upload):
    first = upload.post()
    assert first.status_code == 201, first.get_json()
    forms, _order = _reordered()
    again = upload.post(forms=forms)
    assert again.status_code == 201 and again.get_json()["version"] == first.get_json()["version"] + 1
