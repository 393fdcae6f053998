"""Uploads: served under the detected type with a generated name, always as attachments; PDFs with
active content refused; a per-user daily quota."""
import io
from datetime import datetime, timezone

import pikepdf
import time_machine

from tests.helpers import PDF, PNG, upload
from tests.services.samples import payload

OPERATOR = "operator.raipur"


def pdf_with(build) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def open_action_js(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def page_launch(pdf):
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=action)


def embedded_file(pdf):
    stream = pdf.make_stream(b"MZ\x90\x00 payload", Type=pikepdf.Name.EmbeddedFile)
    spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"), EF=pikepdf.Dictionary(F=stream))
    pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=[pikepdf.String("a.exe"), spec]))


def test_pdfs_with_javascript_launch_or_embedded_files_are_refused(api):
    for build in (open_action_js, page_launch, embedded_file):
        content = pdf_with(build)
        assert b"/JavaScript" not in content or build is not open_action_js  # hidden in an object stream
        r = upload(api, OPERATOR, "identity_proof", content=content)
        assert r.status_code == 422, (build.__name__, r.get_json())
        assert r.get_json()["error"]["code"] == "active_pdf"
        assert "active content" in r.get_json()["error"]["fields"]["file"]


def test_a_hex_escaped_name_in_an_unreadable_pdf_is_still_found(api):
    content = PDF.replace(b"1 0 obj<<>>", b"1 0 obj<</S/J#61vaScript/JS(app.alert(1))>>")
    r = upload(api, OPERATOR, "identity_proof", content=content)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "active_pdf"


def test_a_plain_pdf_is_accepted(api):
    assert upload(api, OPERATOR, "identity_proof", content=pdf_with(lambda pdf: None)).status_code == 201
    assert upload(api, OPERATOR, "identity_proof", content=PDF).status_code == 201


def test_an_html_file_starting_with_pdf_magic_is_served_as_a_pdf_attachment_with_a_generated_name(api):
    body = payload(api, OPERATOR, "age")
    content = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>"
    doc_id = upload(api, OPERATOR, "identity_proof", content=content, filename="x.html").get_json()["id"]
    body["documents"] = [d for d in body["documents"] if d["type"] != "identity_proof"] + \
        [{"type": "identity_proof", "id": doc_id}]
    r = api.post("/api/v1/applications", json=body, user=OPERATOR)
    assert r.status_code == 201, r.get_json()
    ain = r.get_json()["ain"]
    mine = api.get("/api/v1/documents?per_page=200", user=OPERATOR).get_json()["items"]
    assert next(d for d in mine if d["id"] == doc_id)["filename"] == f"identity_proof-{doc_id}.pdf"
    r = api.get(f"/api/v1/applications/{ain}/documents/{doc_id}", user=OPERATOR)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"identity_proof-{doc_id}.pdf" in disposition
    assert "html" not in disposition
    # the page download too
    page = api.client
    page.post("/login", data={"username": OPERATOR, "password": "demo-pass-2026"})
    r = page.get(f"/applications/{ain}/documents/{doc_id}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment") and "html" not in r.headers["Content-Disposition"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@time_machine.travel(datetime(2026, 5, 4, 12, 0, tzinfo=timezone.utc), tick=False)
def test_a_daily_upload_quota_per_user(api, app):
    app.config["DAILY_UPLOAD_QUOTA"] = 3
    assert [upload(api, OPERATOR, "photograph", content=PNG).status_code for _ in range(3)] == [201] * 3
    r = upload(api, OPERATOR, "photograph", content=PNG)
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "upload_quota"
    assert "tomorrow" in r.get_json()["error"]["message"]
    assert upload(api, "operator.garaimari", "photograph", content=PNG).status_code == 201  # per user
    with time_machine.travel(datetime(2026, 5, 4, 19, 0, tzinfo=timezone.utc), tick=False):  # 00:30 IST next day
        api.tokens.clear()  # the morning's token has gone idle
        assert upload(api, OPERATOR, "photograph", content=PNG).status_code == 201
