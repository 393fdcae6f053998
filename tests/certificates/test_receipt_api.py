"""The acknowledgement receipt PDF of a submitted application."""
import io
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from app.certificates.timefmt import ist

from tests.certificates.flow_helpers import qr_texts, rasterise
from tests.services.samples import submit


def test_receipt_for_the_submitter(api, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    ain = submit(api, "income")
    expected_by = datetime.fromisoformat(api.get(f"/api/v1/track/{ain}").get_json()["expected_by"])
    url = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()["acknowledgement_url"]
    r = api.get(urlsplit(url).path, user="operator.raipur")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    for expected in (ain, "Income Certificate", "Rahima Khatun", f"{ist(expected_by):%d-%m-%Y}"):
        assert expected in text, expected
    codes = qr_texts(rasterise(r.data, tmp_path, dpi=200))
    assert len(codes) == 1 and codes[0].endswith(f"/track?ain={ain}")
    assert "Rahima" not in codes[0]  # the receipt's QR carries no personal data


def test_receipt_lists_the_documents_received(api):
    pypdf = pytest.importorskip("pypdf")
    ain = submit(api, "income")
    catalogue = {s["key"]: s for s in api.get("/api/v1/services?per_page=200").get_json()["items"]}
    names = [d["name"] for d in catalogue["income"]["documents"] if d["required"]]
    r = api.get(f"/api/v1/applications/{ain}/acknowledgement.pdf", user="operator.raipur")
    text = " ".join(pypdf.PdfReader(io.BytesIO(r.data)).pages[0].extract_text().split())
    for name in names:
        assert " ".join(name.split()) in text, name


def test_receipt_is_not_for_strangers(api):
    ain = submit(api, "income")
    assert api.get(f"/api/v1/applications/{ain}/acknowledgement.pdf", user="pradhan.raipur").status_code == 200
    assert api.get(f"/api/v1/applications/{ain}/acknowledgement.pdf", user="operator.garaimari").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}/acknowledgement.pdf").status_code == 401
