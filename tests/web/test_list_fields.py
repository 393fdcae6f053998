"""Array-of-object fields on the web form (legal-heir's ``heirs``): drawn as rows, rows added and
removed without a script, errors beside the field of the row, and a legal-heir application filed
entirely through the pages (issue 14)."""
import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Application
from tests.helpers import PDF

from .conftest import ain_in, hidden_fields, text

USER = "operator.raipur"
DOCS = ("death_certificate", "identity_proof", "family_proof")


def _form(step="review", rows=(("Rahima Khatun", "Daughter", "34"), ("Salma Bibi", "Wife", "61")), files=True):
    form = {"applicant.name": "Rahima Khatun", "applicant.mobile": "9876543210", "applicant.language": "en",
            "location": "131001", "token": "tok-heirs", "step": step,
            "data.deceased_name": "Abdul Karim", "data.date_of_death": "2025-12-01",
            "data.address": "Village Raipur, ward 3", "data.applicant_relation": "Daughter"}
    for i, (name, relation, age) in enumerate(rows):
        form.update({f"data.heirs.{i}.name": name, f"data.heirs.{i}.relation": relation, f"data.heirs.{i}.age": age})
    if files:
        form.update({f"file.{d}": (io.BytesIO(PDF), f"{d}.pdf") for d in DOCS})
    return form


def _row_inputs(html):
    return re.findall(r'name="(data\.heirs\.\d+\.[^"]+)" value="([^"]*)"', html)


def test_the_form_draws_one_empty_heir_row_with_add_and_no_remove(pages):
    html = text(pages.get("/apply/legal_heir", user=USER))
    assert 'id="f-data-heirs"' in html and 'data-rows' in html
    assert [n for n, _v in _row_inputs(html)] == ["data.heirs.0.name", "data.heirs.0.relation", "data.heirs.0.age"]
    assert 'value="add:heirs"' in html and 'value="remove:heirs:0"' in html.split("<template")[0]
    assert re.search(r'value="remove:heirs:0"[^>]*hidden', html)      # the one required row stays
    assert "data.heirs.__row__.name" in html                               # the blank row the script copies
    assert "js/rows.js" in html and "//" not in re.search(r'<script src="([^"]*rows.js)', html).group(1)


def test_rows_are_added_and_removed_without_a_script_keeping_what_was_typed(pages):
    r = pages.post("/apply/legal_heir", data=_form(step="add:heirs"), user=USER, content_type="multipart/form-data")
    html = text(r)
    assert r.status_code == 200
    assert _row_inputs(html) == [("data.heirs.0.name", "Rahima Khatun"), ("data.heirs.0.relation", "Daughter"),
                                 ("data.heirs.0.age", "34"), ("data.heirs.1.name", "Salma Bibi"),
                                 ("data.heirs.1.relation", "Wife"), ("data.heirs.1.age", "61"),
                                 ("data.heirs.2.name", ""), ("data.heirs.2.relation", ""), ("data.heirs.2.age", "")]
    assert 'value="Abdul Karim"' in html
    kept = {k: v for k, v in hidden_fields(html).items() if k.startswith("doc.")}
    assert sorted(kept) == [f"doc.{d}" for d in sorted(DOCS)]          # the chosen files were stored, not lost
    form = {**_form(step="remove:heirs:0", files=False), **kept}
    html = text(pages.post("/apply/legal_heir", data=form, user=USER))
    assert [v for n, v in _row_inputs(html) if n.endswith(".name")] == ["Salma Bibi"]


def test_errors_are_shown_beside_the_field_of_their_row(pages):
    form = _form(rows=(("Rahima Khatun", "Daughter", "34"), ("S", "", "200")))
    r = pages.post("/apply/legal_heir", data=form, user=USER, content_type="multipart/form-data")
    html = text(r)
    assert r.status_code == 422
    assert 'id="f-data-heirs-1-name-error">must be at least 2 characters' in html
    assert 'id="f-data-heirs-1-relation-error">is required' in html
    assert 'id="f-data-heirs-1-age-error">must be at most 130' in html
    assert "f-data-heirs-0-name-error" not in html
    form = _form(rows=(("", "", ""),))                                    # no heir at all
    html = text(pages.post("/apply/legal_heir", data=form, user=USER, content_type="multipart/form-data"))
    assert 'id="f-data-heirs-error">is required' in html


def test_a_legal_heir_application_is_filed_from_the_web_form(pages, app):
    form = {**_form(), "data.heirs.7.name": "Karim Sheikh", "data.heirs.7.relation": "Son"}  # a gap: script-added
    r = pages.post("/apply/legal_heir", data=form, user=USER, content_type="multipart/form-data")
    html = text(r)
    assert r.status_code == 200, html[-2000:]
    assert "Heir 2" in html and "Salma Bibi" in html and "Heir 3" in html
    fields = hidden_fields(html)
    assert fields["data.heirs.2.name"] == "Karim Sheikh" and fields["data.heirs.0.age"] == "34"
    fields["step"] = "submit"
    r = pages.post("/apply/legal_heir", data=fields, user=USER)
    assert r.status_code == 302, text(r)[-2000:]
    ain = ain_in(r.headers["Location"])
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        assert application.data["heirs"] == [{"name": "Rahima Khatun", "relation": "Daughter", "age": 34},
                                             {"name": "Salma Bibi", "relation": "Wife", "age": 61},
                                             {"name": "Karim Sheikh", "relation": "Son"}]
    detail = text(pages.get(f"/applications/{ain}", user=USER))
    assert "Name: Salma Bibi; Relation to the deceased: Wife; Age: 61" in detail
