"""The flow C certificate prints the facts of the flow C form and the applicant's district."""
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace as NS

from app.certificates.context import certificate_context, certificate_images
from tests.certificates.conftest import shipped_templates
from tests.certificates.pdftext import pdf_text
from tests.helpers import RESIDENTIAL_FORM

ROOT = Path(__file__).resolve().parents[2]


def test_residential_certificate_prints_form_facts_and_district(demo_signing_keys):
    district = NS(level="DISTRICT", name="Murshidabad", name_bn="মুর্শিদাবাদ", code=None, parent=None)
    block = NS(level="BLOCK", name="Domkal", name_bn="ডোমকল", code=None, parent=district)
    gp = NS(level="GP", name="Raipur", name_bn="রায়পুর", code=None, parent=block)
    application = NS(
        service=NS(key="residential_edistrict", name="Ordinary Residential Certificate", name_bn="সাধারণ বাসস্থান শংসাপত্র",
                   service_code="012", bilingual=True, department=NS(code="HHA", name="Home and Hill Affairs", name_bn=None)),
        processing_office=NS(id=1, code="BDO-DOMKAL", name="Office of the BDO, Domkal", name_bn=None),
        location=gp, data=dict(RESIDENTIAL_FORM), applicant_name="Rahima Khatun")
    officer = NS(name="BDO, Domkal", postings=[])
    context = certificate_context(application, officer, "HHA0122026000001",
                                  datetime(2026, 5, 4, 10, 30, tzinfo=timezone.utc),
                                  {"SIGNING_KEYS_DIR": demo_signing_keys})
    text = " ".join(pdf_text(shipped_templates().render("residential_edistrict.typ", context,
                                                        certificate_images(context, {"SIGNING_KEYS_DIR": demo_signing_keys}))).split())
    for fact in ("Abdul Karim", "Village Raipur", "Raipur", "Domkal", "1995", "Murshidabad",
                 "মুর্শিদাবাদ"):
        assert fact in text, fact
    assert "—" not in text.split("This is to certify")[1].split("Name of the applicant")[0]
