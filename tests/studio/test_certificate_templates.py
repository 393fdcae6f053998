"""Certificate templates through the process-model API: checked at upload, issued from the version.

Refused with 422 naming file and line, nothing stored: a syntax error, an unknown variable, a read
outside the version (literal and computed path), a field no form declares, a package import and a
loop past the time limit. A new version with new wording prints it for applications started on it,
while applications started before keep printing the old wording.
"""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessVersion
from app.processes.deploy import collect_files
from tests.certificates.pdftext import pdf_text
from tests.helpers import act, submit_residential

from .studio_helpers import KEY, ROOT

TEMPLATE = (ROOT / "certificate_templates" / f"{KEY}.typ").read_text(encoding="utf-8")
LAYOUT = (ROOT / "certificate_templates" / "_layout.typ").read_text(encoding="utf-8")
RECEIPT = (ROOT / "certificate_templates" / "acknowledgement.typ").read_text(encoding="utf-8")
NAME = f"certificate_templates/{KEY}.typ"


def _templates(main: str) -> dict:
    return {"_layout.typ": LAYOUT, "acknowledgement.typ": RECEIPT, f"{KEY}.typ": main}


def _with_line_2(extra: str) -> str:
    """The shipped template with ``extra`` as its line 2 (line 1 is the import)."""
    first, rest = TEMPLATE.split("\n", 1)
    return f"{first}\n{extra}\n{rest}"


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ProcessVersion.id)).where(ProcessVersion.process_key == KEY))


def _refused(app, upload, main: str) -> list[dict]:
    before = _versions(app)
    r = upload.post(templates=_templates(main))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "invalid_model"
    assert _versions(app) == before
    return r.get_json()["error"]["problems"]


@pytest.mark.parametrize("extra, words", [
    ("#let broken = (1, 2", "unclosed delimiter"),
    ("#no_such_variable", "unknown variable: no_such_variable"),
    ('#let target = "/etc/" + "passwd"\n#read(target)', "file not found"),
])
def test_a_template_that_does_not_compile_is_refused_with_file_and_line(app, upload, extra, words):
    problems = _refused(app, upload, _with_line_2(extra))
    problem = next(p for p in problems if words in p["message"])
    assert problem["file"] == NAME
    assert problem["line"] == (3 if "read(target)" in extra else 2)
    assert "pravah-typst" not in problem["message"]       # no server path in the answer


@pytest.mark.parametrize("extra", ['#read("/etc/passwd")', '#read("../../../etc/passwd")',
                                   '#image("/app/certificates/fonts/OFL.txt")'])
def test_a_template_reading_outside_its_version_is_refused(app, upload, extra):
    problems = _refused(app, upload, _with_line_2(extra))
    assert [(p["file"], p["line"]) for p in problems] == [(NAME, 2)]
    assert "outside this version" in problems[0]["message"]


def test_a_field_no_form_declares_is_refused(app, upload):
    problems = _refused(app, upload, _with_line_2('#let shoe = field("shoe_size")'))
    assert [(p["file"], p["line"]) for p in problems] == [(NAME, 2)]
    assert "shoe_size" in problems[0]["message"] and "no form" in problems[0]["message"]


def test_a_package_import_is_refused(app, upload):
    problems = _refused(app, upload, _with_line_2('#import "@preview/cetz:0.3.0"'))
    assert [(p["file"], p["line"]) for p in problems] == [(NAME, 2)]


def test_a_missing_layout_is_refused(app, upload):
    before = _versions(app)
    r = upload.post(templates={f"{KEY}.typ": TEMPLATE})
    assert r.status_code == 422
    problem = r.get_json()["error"]["problems"][0]
    assert problem["file"] == NAME and problem["line"] == 1 and "_layout.typ" in problem["message"]
    assert _versions(app) == before


def test_a_template_that_loops_too_long_is_stopped(app, upload):
    app.config["CERTIFICATE_CHECK_SECONDS"] = 3
    problems = _refused(app, upload, _with_line_2("#for i in range(100000) { for j in range(100000) { let x = j } }"))
    assert [p["file"] for p in problems] == [NAME], problems
    assert "longer than 3 s" in problems[0]["message"], problems


def _issue(api, name):
    ain = submit_residential(api, name=name)
    act(api, "bdo.domkal", ain, "verify")
    assert act(api, "bdo.domkal", ain, "approve")["status"] == "DELIVERED"
    uin = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["certificate"]["uin"]
    r = api.get(f"/api/v1/certificates/{uin}.pdf", user="operator.csc-domkal")
    assert r.status_code == 200
    return " ".join(pdf_text(r.data).split())


def _upload_shipped(app, upload, templates):
    """Upload the shipped model of the service (with its issue step) and other templates."""
    with app.app_context():
        files = collect_files(KEY, app.config["MODEL_DIRS"])
    return upload.post(bpmn=next(iter(files.bpmn.values())).decode(), forms=files.forms, samples=files.samples,
                       dmn={k: v.decode() for k, v in files.dmn.items()}, templates=templates)


def test_new_wording_prints_for_applications_started_on_the_new_version(app, api, upload):
    old_words, new_words = "is an ordinary resident of", "has ordinarily resided at"
    assert old_words in TEMPLATE
    started_before = submit_residential(api, name="Early Applicant")
    r = _upload_shipped(app, upload, _templates(TEMPLATE.replace(old_words, new_words)))
    assert r.status_code == 201, r.get_json()
    assert upload.activate(r.get_json()["version"]).status_code == 200

    act(api, "bdo.domkal", started_before, "verify")
    assert act(api, "bdo.domkal", started_before, "approve")["status"] == "DELIVERED"
    uin = api.get(f"/api/v1/applications/{started_before}", user="operator.csc-domkal").get_json()["certificate"]["uin"]
    before_text = " ".join(pdf_text(api.get(f"/api/v1/certificates/{uin}.pdf", user="operator.csc-domkal").data).split())
    after_text = _issue(api, "Late Applicant")

    assert "Early Applicant" in before_text and old_words in before_text and new_words not in before_text
    assert "Late Applicant" in after_text and new_words in after_text and old_words not in after_text


def test_bengali_name_copies_out_exactly(api):
    text = _issue(api, "নিবেদিতা সেন")
    assert "নিবেদিতা সেন" in text
