"""Studio certificate preview: a version's (or unsaved) template filled from the form's sample data."""
from tests.certificates.pdftext import pdf_text

from .studio_helpers import KEY, ROOT

TEMPLATE = (ROOT / "certificate_templates" / f"{KEY}.typ").read_text(encoding="utf-8")


def _text(r) -> str:
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/pdf"
    return " ".join(pdf_text(r.data).split())


def test_analyst_previews_the_active_version_and_its_receipt(login):
    client = login("analyst.state")
    text = _text(client.get(f"/studio/{KEY}/certificate-preview?version=1"))
    assert "Ordinary Residential Certificate" in text and "নিবেদিতা সেন" in text
    assert "is an ordinary resident of" in text and "Sample Block Development Office" in text
    receipt = _text(client.get(f"/studio/{KEY}/certificate-preview?version=1&template=acknowledgement"))
    assert "Acknowledgement Receipt" in receipt and "AIN-SAMPLE" in receipt


def test_only_analysts_preview(app, login):
    assert login("bdo.domkal").get(f"/studio/{KEY}/certificate-preview").status_code == 403
    assert app.test_client().get(f"/studio/{KEY}/certificate-preview").status_code == 302
    assert login("analyst.state").get(f"/studio/{KEY}/certificate-preview?version=99").status_code == 404


def test_unsaved_wording_is_previewed_and_broken_templates_answer_with_file_and_line(login):
    client = login("analyst.state")
    changed = TEMPLATE.replace("is an ordinary resident of", "has ordinarily resided at")
    text = _text(client.post(f"/studio/{KEY}/certificate-preview", json={"templates": {f"{KEY}.typ": changed}}))
    assert "has ordinarily resided at" in text and "is an ordinary resident of" not in text

    broken = TEMPLATE.replace("#show:", "#no_such_thing\n#show:", 1)
    r = client.post(f"/studio/{KEY}/certificate-preview", json={"templates": {f"{KEY}.typ": broken}})
    assert r.status_code == 422
    problem = r.get_json()["error"]["problems"][0]
    assert problem["file"] == f"certificate_templates/{KEY}.typ" and problem["line"] == 2
    assert "unknown variable" in problem["message"]
