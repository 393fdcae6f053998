"""Upload limits per file and per application, stated on the form and enforced beside the field;
what was typed survives every refusal, a 413 included (issue 14, defect 2)."""
import io

from tests.helpers import PDF

from .conftest import application_form, text


def big_pdf(size: int) -> bytes:
    return PDF + b"%" * (size - len(PDF))


def test_the_form_states_both_limits(pages, app):
    html = text(pages.get("/apply/residential_edistrict", user="operator.csc-domkal"))
    assert "up to 5 MB each and 20 MB for all the documents together" in html
    assert 'data-max-total="20971520"' in html


def test_files_over_the_total_are_refused_beside_the_field_keeping_the_form(pages, app):
    app.config["MAX_APPLICATION_UPLOAD_BYTES"] = 3 * 1024 * 1024
    form = application_form(name="Jahanara Bibi")
    for doc_type in ("photograph", "identity_proof", "age_proof", "residence_certificate"):
        form[f"file.{doc_type}"] = (io.BytesIO(big_pdf(1400 * 1024)), f"{doc_type}.pdf")
    r = pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                   content_type="multipart/form-data")
    html = text(r)
    assert r.status_code == 422
    assert "the files together are too large (at most 3 MB for one application)" in html
    assert 'value="Jahanara Bibi"' in html and 'value="Abdul Karim"' in html


def test_one_file_over_the_per_file_limit(pages, app):
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    form = application_form(name="Jahanara Bibi")
    form["file.photograph"] = (io.BytesIO(big_pdf(1100 * 1024)), "photo.pdf")
    r = pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                   content_type="multipart/form-data")
    assert r.status_code == 422
    assert "the file is too large (at most 1 MB)" in text(r) and 'value="Jahanara Bibi"' in text(r)


def test_a_request_over_the_server_limit_is_a_page_in_the_users_language(pages, app):
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024
    form = application_form(name="Jahanara Bibi")
    form["file.photograph"] = (io.BytesIO(big_pdf(300 * 1024)), "photo.pdf")
    client = pages.as_("operator.csc-domkal")
    client.post("/language", data={"lang": "bn"})
    r = client.post("/apply/residential_edistrict", data=form, content_type="multipart/form-data")
    assert r.status_code == 413
    html = text(r)
    assert "Request Entity Too Large" not in html and "ব্রাউজারের" in html


def test_a_wrong_aadhaar_is_marked_at_review_not_only_at_submit(pages):
    """Issue 14: the Verhoeff checksum is checked when the form is reviewed."""
    form = application_form(name="Jahanara Bibi", **{"applicant.aadhaar": "2345 6789 0123"})
    r = pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                   content_type="multipart/form-data")
    assert r.status_code == 422 and 'id="applicant-aadhaar-error"' in text(r)
    assert "is not a valid Aadhaar number" in text(r) and 'value="Jahanara Bibi"' in text(r)
