"""Every service of SERVICES.md has a template that renders the common certificate parts."""
import io

import pytest

from app.certificates.context import certificate_context
from app.certificates.render import TEMPLATES_DIR, render_html, render_pdf
from tests.certificates.conftest import ISSUED_AT, SERVICES, make_application, make_officer


@pytest.mark.parametrize("key", [s[0] for s in SERVICES])
def test_service_template_renders(key, settings):
    assert (TEMPLATES_DIR / f"{key}.html").exists()
    application = make_application(key)
    uin = f"{application.service.department.code}{application.service.service_code}2026000007"
    ctx = certificate_context(application, make_officer(), uin, ISSUED_AT, settings)
    html = render_html(f"{key}.html", ctx)
    for part in (uin, "https://pravah.example.gov.in/verify/" + uin, 'class="qr"', 'class="seal"',
                 "Sukanta Mondal", "Domkal Gram Panchayat", "04-05-2026 16:00 IST"):
        assert part in html, (key, part)
    assert ("পশ্চিমবঙ্গ সরকার" in html) == application.service.bilingual


def test_longest_templates_fit_one_page(settings):
    pypdf = pytest.importorskip("pypdf")
    for key in ("legal_heir", "completion_ps", "residential_edistrict"):
        application = make_application(key)
        ctx = certificate_context(application, make_officer(), "PRD0032026000001", ISSUED_AT, settings)
        pdf = render_pdf(render_html(f"{key}.html", ctx))
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1, key


def test_seal_is_a_function_of_the_uin():
    from app.certificates.security import seal_fingerprint, seal_svg
    assert seal_svg("PRD0012026000001") == seal_svg("PRD0012026000001")
    assert seal_svg("PRD0012026000001") != seal_svg("PRD0012026000002")
    assert seal_fingerprint("PRD0012026000001") != seal_fingerprint("PRD0012026000002")


def test_static_assets_are_up_to_date():
    from app.certificates.security import emblem_svg, guilloche_svg
    assert (TEMPLATES_DIR / "assets" / "guilloche.svg").read_text() == guilloche_svg()
    assert (TEMPLATES_DIR / "assets" / "emblem.svg").read_text() == emblem_svg()
