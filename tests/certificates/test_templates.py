"""Every service of SERVICES.md has a Typst template that prints the common certificate parts."""
import io

import pytest

from app.certificates.context import certificate_context, certificate_images
from tests.certificates.conftest import ISSUED_AT, SERVICES, make_application, make_officer, shipped_templates
from tests.certificates.pdftext import pdf_text


@pytest.fixture(autouse=True)
def _qr_key(demo_keys):
    """The QR payload is signed: every render here uses the session's demo keys."""
    _KEYS["SIGNING_KEYS_DIR"] = demo_keys


_KEYS: dict = {}


def _render(key, uin="PRD0032026000001", settings=None):
    application = make_application(key)
    settings = {**(settings or {}), **_KEYS}
    ctx = certificate_context(application, make_officer(), uin, ISSUED_AT, settings)
    return shipped_templates().render(f"{key}.typ", ctx, certificate_images(ctx, settings))


@pytest.mark.parametrize("key", [s[0] for s in SERVICES])
def test_service_template_renders(key):
    application = make_application(key)
    uin = f"{application.service.department.code}{application.service.service_code}2026000007"
    text = pdf_text(_render(key, uin, {"PUBLIC_BASE_URL": "https://pravah.example.gov.in"}))
    for part in (uin, "https://pravah.example.gov.in/verify/" + uin, "Sukanta Mondal", "Domkal Gram Panchayat",
                 "04-05-2026 16:00 IST", "Seal "):
        assert part in text, (key, part)
    assert ("পশ্চিমবঙ্গ সরকার" in text) == application.service.bilingual


def test_longest_templates_fit_one_page(settings):
    pypdf = pytest.importorskip("pypdf")
    for key in ("legal_heir", "completion_ps", "residential_edistrict"):
        assert len(pypdf.PdfReader(io.BytesIO(_render(key))).pages) == 1, key


def test_seal_is_a_function_of_the_uin():
    from app.certificates.security import seal_fingerprint, seal_svg
    assert seal_svg("PRD0012026000001") == seal_svg("PRD0012026000001")
    assert seal_svg("PRD0012026000001") != seal_svg("PRD0012026000002")
    assert seal_fingerprint("PRD0012026000001") != seal_fingerprint("PRD0012026000002")
    one, two = pdf_text(_render("income", "PRD0012026000001")), pdf_text(_render("income", "PRD0012026000002"))
    assert f"Seal {seal_fingerprint('PRD0012026000001')}" in one
    assert f"Seal {seal_fingerprint('PRD0012026000002')}" in two


def test_micro_text_repeats_the_uin():
    text = pdf_text(_render("income", "PRD0012026000005"))
    assert text.count("PRD0012026000005") >= 40


def test_pdfa_2b_metadata():
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(_render("income")))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
